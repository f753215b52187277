/// Something about TLS material that works but deserves an operator's attention: a private key that
/// group or others can read, a certificate close to expiry, a chain certificate that does not fit.
///
/// The library returns these instead of printing them; the caller logs them with its own logger.
public struct TLSWarning: Sendable, Equatable, CustomStringConvertible {
    /// The kind of warning, stable for callers and tests.
    public enum Kind: String, Sendable {
        case keyFileAccessibleByOthers
        case expiresSoon
        case unrelatedCertificate
        case trustRootNotCurrentlyValid
    }

    public let kind: Kind
    /// The file concerned.
    public let path: String
    /// One line for a person.
    public let message: String

    public init(_ kind: Kind, path: String, message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    public var description: String { message }
}
