/// Why the uplink could not connect, authenticate, or complete a request.
///
/// Each code has one message an operator can act on; the breaker in ``ReconnectPolicy`` keys off
/// ``isCredentialRejection``. Equality compares codes only, so callers can write `error.code == .appKeyRejected`.
public struct UplinkError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case configuration
            case connectFailed
            case connectTimeout
            case unknownCA
            case serverCertificateExpired
            case serverCertificateNotYetValid
            case hostnameMismatch
            case fingerprintMismatch
            case clientCertificateRequired
            case clientCertificateRejected
            case protocolMismatch
            case tlsFailed
            case upgradeRejected
            case appKeyRejected
            case bindRejected
            case pongTimeout
            case connectionClosed
            case protocolViolation
            case requestTimeout
            case tooManyRequests
            case notConnected
            case messageTooLarge
            case shuttingDown
        }

        fileprivate let base: Base

        /// The configuration cannot be used (missing file, unreadable key, no servers).
        public static let configuration = Code(base: .configuration)
        /// TCP connect failed (refused, unreachable, name not resolved).
        public static let connectFailed = Code(base: .connectFailed)
        /// TCP, TLS and the upgrade did not finish within `connect_timeout`.
        public static let connectTimeout = Code(base: .connectTimeout)
        /// The platform's certificate does not chain to a trusted CA (`certificates.cert_chain`).
        public static let unknownCA = Code(base: .unknownCA)
        /// The platform's certificate has expired.
        public static let serverCertificateExpired = Code(base: .serverCertificateExpired)
        /// The platform's certificate is not valid yet (check the clocks).
        public static let serverCertificateNotYetValid = Code(base: .serverCertificateNotYetValid)
        /// The platform's certificate is not issued for the host name or IP address connected to.
        public static let hostnameMismatch = Code(base: .hostnameMismatch)
        /// The platform's certificate is not in `certificates.fingerprints`.
        public static let fingerprintMismatch = Code(base: .fingerprintMismatch)
        /// The platform requires a client certificate and none is configured.
        public static let clientCertificateRequired = Code(base: .clientCertificateRequired)
        /// The platform refused the client certificate (unknown CA, or reset right after the TLS 1.3 handshake).
        public static let clientCertificateRejected = Code(base: .clientCertificateRejected)
        /// No TLS version or cipher suite in common.
        public static let protocolMismatch = Code(base: .protocolMismatch)
        /// Any other TLS failure.
        public static let tlsFailed = Code(base: .tlsFailed)
        /// The HTTP upgrade was refused or answered wrongly.
        public static let upgradeRejected = Code(base: .upgradeRejected)
        /// The platform answered AUTH with a failure (UNAUTHORIZED): the app key is wrong or revoked.
        public static let appKeyRejected = Code(base: .appKeyRejected)
        /// The platform refused a BIND.
        public static let bindRejected = Code(base: .bindRejected)
        /// No pong within `pingpong_timeout`.
        public static let pongTimeout = Code(base: .pongTimeout)
        /// The platform closed the connection, or it broke.
        public static let connectionClosed = Code(base: .connectionClosed)
        /// The platform sent something that is not AlwaysOn.
        public static let protocolViolation = Code(base: .protocolViolation)
        /// No response within `msg_timeout`.
        public static let requestTimeout = Code(base: .requestTimeout)
        /// `max_messages` requests are already waiting for responses.
        public static let tooManyRequests = Code(base: .tooManyRequests)
        /// Not connected and authenticated right now.
        public static let notConnected = Code(base: .notConnected)
        /// The message exceeds `max_msg_size`.
        public static let messageTooLarge = Code(base: .messageTooLarge)
        /// The uplink is shutting down.
        public static let shuttingDown = Code(base: .shuttingDown)

        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public static func == (lhs: UplinkError, rhs: UplinkError) -> Bool { lhs.code == rhs.code }

    /// The platform refused our credentials: retrying soon cannot help and, across a fleet, hurts.
    public var isCredentialRejection: Bool {
        switch code.base {
        case .appKeyRejected, .clientCertificateRejected, .clientCertificateRequired: true
        default: false
        }
    }

    /// A TLS failure about the platform's certificate or the handshake.
    public var isTLSFailure: Bool {
        switch code.base {
        case .unknownCA, .serverCertificateExpired, .serverCertificateNotYetValid, .hostnameMismatch,
            .fingerprintMismatch, .clientCertificateRequired, .clientCertificateRejected, .protocolMismatch, .tlsFailed:
            true
        default: false
        }
    }
}
