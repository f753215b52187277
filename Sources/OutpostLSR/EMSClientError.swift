/// Why a request to the EMS failed, sorted by what the operator has to fix.
public struct EMSClientError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// 401: `rap_userid`/`rap_password` do not match the EMS's `http_server` user and password.
        case unauthorized
        /// The TLS handshake failed (certificate not trusted, wrong host name, protocol).
        case tls
        /// The EMS presented a self-signed certificate and `rap_deny_selfsigned` is on.
        case selfSigned
        /// No connection (refused, unreachable, reset).
        case unreachable
        /// No answer within `rap_timeout`.
        case timeout
        /// Any other non-2xx answer.
        case status(Int)
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
