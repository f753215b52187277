/// Why a message could not be decoded or encoded, with the byte offset where decoding stopped.
///
/// Errors are a struct wrapping a private enum (as `ServiceGroupError` does) so that cases can be added
/// without breaking callers. Two errors are equal when their codes are equal; `offset` and `reason` are
/// context for people and logs.
public struct WireError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure. Compare with the static members, e.g. `error.code == .truncated`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case truncated
            case lengthExceedsMessage
            case unknownMessageCode
            case unknownBaseType
            case unsupportedBaseType
            case nestingTooDeep
            case messageTooLarge
            case invalidChunk
            case chunkOutOfRange
            case inconsistentChunk
            case tooManyPartialMessages
            case notEncodable
        }

        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// The message ended in the middle of a field.
        public static let truncated = Code(.truncated)
        /// A length prefix (string, BLOB, IMAGE) declares more bytes than the message has left.
        public static let lengthExceedsMessage = Code(.lengthExceedsMessage)
        /// Byte 1 of the header is not a code this protocol defines for the message's position.
        public static let unknownMessageCode = Code(.unknownMessageCode)
        /// A type byte is not a base type of the protocol, so the value's length cannot be known.
        public static let unknownBaseType = Code(.unknownBaseType)
        /// A base type the protocol names but has no value encoding for (TIMESPAN, SCHEDULE).
        public static let unsupportedBaseType = Code(.unsupportedBaseType)
        /// InfoTables and VARIANTs are nested deeper than `WireLimits.maxNestingDepth`.
        public static let nestingTooDeep = Code(.nestingTooDeep)
        /// A message, or a multipart set, is larger than `WireLimits.maxMessageSize`.
        public static let messageTooLarge = Code(.messageTooLarge)
        /// A multipart chunk header is malformed (zero count, code that cannot be chunked, …).
        public static let invalidChunk = Code(.invalidChunk)
        /// A chunk number is 0 or greater than the chunk count.
        public static let chunkOutOfRange = Code(.chunkOutOfRange)
        /// A chunk disagrees with earlier chunks of the same message (count, size, code, data of a duplicate).
        public static let inconsistentChunk = Code(.inconsistentChunk)
        /// More partial multipart messages are open than `MultipartAssembler` allows.
        public static let tooManyPartialMessages = Code(.tooManyPartialMessages)
        /// A value cannot be written in the wire format (count or length over its field's range, wrong
        /// base type for the value, …).
        public static let notEncodable = Code(.notEncodable)

        public var description: String { backing.rawValue }
    }

    /// What went wrong.
    public let code: Code
    /// Byte offset from the start of the message (WebSocket payload) where the problem was found;
    /// `nil` for encoding errors.
    public let offset: Int?
    /// A sentence saying what was expected and what was found.
    public let reason: String

    public init(_ code: Code, at offset: Int?, _ reason: String) {
        self.code = code
        self.offset = offset
        self.reason = reason
    }

    public var description: String {
        if let offset { return "at byte \(offset): \(reason)" }
        return reason
    }

    public static func == (lhs: WireError, rhs: WireError) -> Bool { lhs.code == rhs.code }
}
