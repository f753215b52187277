/// Why JSON text could not be parsed, or a JSON value could not become an InfoTable or message.
///
/// `path` locates the value (`rows[0].temp`, `request.params.dataShape`); `offset` is set for syntax
/// errors in the text. The reason names what was expected and what was found.
public struct WireJSONError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case invalidJSON
            case typeMismatch
            case missingMember
            case unexpectedMember
            case outOfRange
            case nestingTooDeep
            case notEncodable
        }

        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// The text is not JSON.
        public static let invalidJSON = Code(.invalidJSON)
        /// A value does not fit its field's base type, or a member has the wrong JSON kind.
        public static let typeMismatch = Code(.typeMismatch)
        /// A required member (`baseType`, `header`, …) is absent.
        public static let missingMember = Code(.missingMember)
        /// A member that has no meaning here, e.g. a row value for a field the DataShape lacks.
        public static let unexpectedMember = Code(.unexpectedMember)
        /// A number outside its type's range (INTEGER, a header id, a byte).
        public static let outOfRange = Code(.outOfRange)
        /// Arrays, objects or InfoTables nested deeper than allowed.
        public static let nestingTooDeep = Code(.nestingTooDeep)
        /// The value is well-formed JSON but names something the wire cannot carry.
        public static let notEncodable = Code(.notEncodable)

        public var description: String { backing.rawValue }
    }

    public let code: Code
    /// Where in the document: `rows[0].temp`; empty for the document itself.
    public let path: String
    /// Byte offset in the JSON text (syntax errors only).
    public let offset: Int?
    public let reason: String

    public init(_ code: Code, path: String = "", offset: Int? = nil, _ reason: String) {
        self.code = code
        self.path = path
        self.offset = offset
        self.reason = reason
    }

    public var description: String {
        if let offset { return "JSON at byte \(offset): \(reason)" }
        if path.isEmpty { return reason }
        return "\(path): \(reason)"
    }

    public static func == (lhs: WireJSONError, rhs: WireJSONError) -> Bool { lhs.code == rhs.code }
}
