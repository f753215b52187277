/// Why a certificate, key or trust file could not be used.
///
/// Every message is one line that names the file and says what to do; compare by ``code``
/// (`error.code == .wrongPassphrase`). Passphrases never appear in messages.
public struct TLSMaterialError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure, stable for callers and tests.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Hashable, Sendable {
            case fileMissing, permissionDenied, fileUnreadable
            case notAKey, notACertificate, damaged, multipleKeys
            case wrongPassphrase, passphraseRequired, passphraseUnavailable, unsupportedAlgorithm, unsupportedKeyType
            case keyMismatch, certificateExpired, certificateNotYetValid
            case invalidRequest, generationFailed, writeFailed, contextFailed
        }

        fileprivate let base: Base

        /// The file (or a directory on its path) does not exist.
        public static let fileMissing = Code(base: .fileMissing)
        /// The file exists but this user may not read it.
        public static let permissionDenied = Code(base: .permissionDenied)
        /// Any other read failure (a directory, I/O error, too large).
        public static let fileUnreadable = Code(base: .fileUnreadable)
        /// The key file holds no private key block.
        public static let notAKey = Code(base: .notAKey)
        /// The certificate file holds no certificate block.
        public static let notACertificate = Code(base: .notACertificate)
        /// A block with the right label whose contents cannot be decoded.
        public static let damaged = Code(base: .damaged)
        /// More than one private key in one file.
        public static let multipleKeys = Code(base: .multipleKeys)
        /// The key is encrypted and the passphrase does not open it.
        public static let wrongPassphrase = Code(base: .wrongPassphrase)
        /// The key is encrypted and no passphrase was given.
        public static let passphraseRequired = Code(base: .passphraseRequired)
        /// The passphrase source failed (file missing, variable unset, sealed value unopenable).
        public static let passphraseUnavailable = Code(base: .passphraseUnavailable)
        /// The key is encrypted with a scheme libcrypto does not offer (named in the message).
        public static let unsupportedAlgorithm = Code(base: .unsupportedAlgorithm)
        /// The key type cannot be used for this purpose (e.g. signing certificates with DSA).
        public static let unsupportedKeyType = Code(base: .unsupportedKeyType)
        /// The private key does not belong to the certificate.
        public static let keyMismatch = Code(base: .keyMismatch)
        /// A certificate's notAfter has passed.
        public static let certificateExpired = Code(base: .certificateExpired)
        /// A certificate's notBefore is still ahead.
        public static let certificateNotYetValid = Code(base: .certificateNotYetValid)
        /// A certificate request that cannot be issued (bad SAN, days out of range).
        public static let invalidRequest = Code(base: .invalidRequest)
        /// Building or signing a certificate failed.
        public static let generationFailed = Code(base: .generationFailed)
        /// Writing a certificate or key file failed.
        public static let writeFailed = Code(base: .writeFailed)
        /// The TLS library refused to build a context from material that loaded.
        public static let contextFailed = Code(base: .contextFailed)

        public var description: String { base.rawValue }
    }

    public let code: Code
    /// The one-line message for a person.
    public let message: String

    public var description: String { message }

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Equal when the codes are equal; the message is for people, not for comparison.
    public static func == (lhs: TLSMaterialError, rhs: TLSMaterialError) -> Bool { lhs.code == rhs.code }
}
