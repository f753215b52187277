/// Why the reference platform cannot start or serve a request.
public struct PlatformError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case configuration, notConnected, timeout, badRequest, storage
        }

        fileprivate let base: Base

        /// platform.json cannot be used.
        public static let configuration = Code(base: .configuration)
        /// The thing is not bound by any connected edge.
        public static let notConnected = Code(base: .notConnected)
        /// The edge did not answer in time.
        public static let timeout = Code(base: .timeout)
        /// The admin request is malformed.
        public static let badRequest = Code(base: .badRequest)
        /// The store file cannot be read or written.
        public static let storage = Code(base: .storage)

        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public static func == (lhs: PlatformError, rhs: PlatformError) -> Bool { lhs.code == rhs.code }
}
