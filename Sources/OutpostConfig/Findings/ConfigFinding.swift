/// One problem or remark about a configuration file.
///
/// Findings are collected, not thrown: an operator fixing a file wants every problem in one run.
public struct ConfigFinding: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Comparable, CaseIterable {
        /// The file cannot be used as it is.
        case error
        /// The file works, but something is insecure, ignored or probably a mistake.
        case warning
        /// Informational, e.g. a key that is accepted but not acted on yet.
        case note

        private var rank: Int {
            switch self {
            case .error: return 0
            case .warning: return 1
            case .note: return 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// A stable identifier for tools and tests (`type`, `range`, `unknown-key`, `insecure`, …).
    public enum Code: String, Sendable, CaseIterable {
        case syntax
        case type
        case range
        case missing
        case unknownKey = "unknown-key"
        case duplicateKey = "duplicate-key"
        case invalid
        case insecure
        case plaintextSecret = "plaintext-secret"
        case notYetUsed = "not-yet-used"
        case unsupported
    }

    public var severity: Severity
    public var code: Code
    /// Dotted JSON path such as `http_server.port` or `auto_bind[1].name`; empty for the whole file.
    public var path: String
    public var message: String
    public var position: SourcePosition?

    public init(_ severity: Severity, _ code: Code, path: String, _ message: String, at position: SourcePosition? = nil) {
        self.severity = severity
        self.code = code
        self.path = path
        self.message = message
        self.position = position
    }

    /// `path: message`, the form used inside longer lines.
    public var description: String {
        path.isEmpty ? message : "\(path): \(message)"
    }

    /// `file:line:col: severity: path: message`, the form editors and CI annotate.
    public func formatted(file: String) -> String {
        let location = position.map { "\(file):\($0.line):\($0.column)" } ?? file
        return "\(location): \(severity.rawValue): \(description)"
    }
}

extension Array where Element == ConfigFinding {
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Sorted for reading: by position in the file, findings without a position last.
    public var inFileOrder: [ConfigFinding] {
        enumerated().sorted { lhs, rhs in
            switch (lhs.element.position, rhs.element.position) {
            case let (left?, right?) where left != right: return left < right
            case (nil, _?): return false
            case (_?, nil): return true
            default: return lhs.offset < rhs.offset
            }
        }.map(\.element)
    }
}
