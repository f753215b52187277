public import OutpostWire

/// What the REST facade needs from the platform connection: send a request and await its response,
/// bind and unbind names, and whether it is up. `OutpostUplink.Uplink` conforms in the CLI target
/// (`Outpost+EMSUplink.swift`); tests supply a scripted link.
public protocol PlatformLink: Sendable {
    /// Connected and authenticated: requests can be sent.
    var isConnected: Bool { get }
    /// Sends a request and returns the platform's response, whatever its status.
    func send(_ request: RequestBody) async throws(PlatformLinkError) -> ResponseBody
    /// Registers names for binding and binds them now when connected.
    func bind(names: [String]) async throws(PlatformLinkError)
    /// Unregisters names and unbinds them now when connected.
    func unbind(names: [String]) async throws(PlatformLinkError)
}

/// Why a request could not be exchanged with the platform.
public struct PlatformLinkError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Kind: Sendable, Equatable {
        case notConnected
        case timeout
        case busy
        case tooLarge
        case failed
        case storeFull
        case storeFailed
    }

    private let kind: Kind
    public let message: String

    private init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The link is down (or shutting down): 503 with `Retry-After`.
    public static func notConnected(_ message: String) -> Self { Self(.notConnected, message) }
    /// No answer within the message timeout: 504.
    public static func timeout(_ message: String) -> Self { Self(.timeout, message) }
    /// Too many requests in flight: 503.
    public static func busy(_ message: String) -> Self { Self(.busy, message) }
    /// The message exceeds the platform's size limit: 413.
    public static func tooLarge(_ message: String) -> Self { Self(.tooLarge, message) }
    /// Anything else (connection lost mid-request, protocol violation): 502.
    public static func failed(_ message: String) -> Self { Self(.failed, message) }
    /// The offline message store has no room for the write (`reject-new`): 507.
    public static func storeFull(_ message: String) -> Self { Self(.storeFull, message) }
    /// The offline message store could not store the write (file unreadable, disk error): 500.
    public static func storeFailed(_ message: String) -> Self { Self(.storeFailed, message) }

    public var isNotConnected: Bool { kind == .notConnected }

    public var description: String { message }

    /// The HTTP status a REST client sees.
    var httpStatus: Int {
        switch kind {
        case .notConnected, .busy: 503
        case .timeout: 504
        case .tooLarge: 413
        case .failed: 502
        case .storeFull: 507
        case .storeFailed: 500
        }
    }
}

/// A link that is never connected: `outpost ems` without `ws_servers`, and tests of offline behaviour.
public struct OfflinePlatformLink: PlatformLink {
    public init() {}
    public var isConnected: Bool { false }
    public func send(_ request: RequestBody) async throws(PlatformLinkError) -> ResponseBody {
        throw .notConnected("no platform connection is configured")
    }
    public func bind(names: [String]) async throws(PlatformLinkError) {}
    public func unbind(names: [String]) async throws(PlatformLinkError) {}
}
