/// Why a secret could not be sealed or opened, or why the key file could not be used.
///
/// Each message is one line that names the config key and the key file path (never the secret), and
/// says what to do. Compare errors by ``code``: `error.code == .wrongKey`.
public struct SecretError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure, stable for callers and tests.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Hashable, Sendable {
            case keyFileMissing, keyFileUnreadable, keyFileMalformed, keyFileNotCreated, noKeyFileLocation
            case wrongKey, malformedValue, valueTooShort, legacyAES, notText, emptySecret
        }

        fileprivate let base: Base

        /// A sealed value was met but the key file is not there.
        public static let keyFileMissing = Code(base: .keyFileMissing)
        /// The key file exists but cannot be read (permissions, a directory, I/O error).
        public static let keyFileUnreadable = Code(base: .keyFileUnreadable)
        /// The key file is not in the `outpost-secret-key:v1:` format, or its key is not 32 bytes.
        public static let keyFileMalformed = Code(base: .keyFileMalformed)
        /// A new key file could not be created.
        public static let keyFileNotCreated = Code(base: .keyFileNotCreated)
        /// No explicit path, no `OUTPOST_SECRET_KEY_FILE`, and neither `XDG_CONFIG_HOME` nor `HOME`.
        public static let noKeyFileLocation = Code(base: .noKeyFileLocation)
        /// AES-GCM authentication failed: another key, or a damaged value.
        public static let wrongKey = Code(base: .wrongKey)
        /// The text after `enc:v1:` is not base64.
        public static let malformedValue = Code(base: .malformedValue)
        /// The decoded value is shorter than nonce plus tag.
        public static let valueTooShort = Code(base: .valueTooShort)
        /// An `AES:` value from the original EMS, sealed with PTC's built-in key.
        public static let legacyAES = Code(base: .legacyAES)
        /// The value opened, but the plain text is not UTF-8.
        public static let notText = Code(base: .notText)
        /// There was nothing to seal.
        public static let emptySecret = Code(base: .emptySecret)

        public var description: String { base.rawValue }
    }

    public let code: Code
    /// The one-line message for a person.
    public let message: String

    public var description: String { message }

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Equal when the codes are equal; the message is for people, not for comparison.
    public static func == (lhs: SecretError, rhs: SecretError) -> Bool { lhs.code == rhs.code }
}

extension SecretError {
    static func keyFileMissing(_ path: String, subject: String) -> SecretError {
        SecretError(
            .keyFileMissing,
            "\(subject) was sealed with a key file that is not at \(path); set OUTPOST_SECRET_KEY_FILE or --key-file "
                + "to the key file it was sealed with"
        )
    }

    static func keyFileUnreadable(_ error: FileAccessError) -> SecretError {
        let advice =
            error.isPermissionDenied
            ? "; run outpost as the user that owns it, or give that user read access (mode 0600)" : ""
        return SecretError(
            .keyFileUnreadable, "cannot read the secret key file at \(error.path): \(error.reason)\(advice)")
    }

    static func keyFileMalformed(_ path: String, _ problem: String) -> SecretError {
        SecretError(
            .keyFileMalformed,
            "the secret key file at \(path) is not usable: \(problem); expected one line "
                + "'\(SecretKeyFile.linePrefix)<base64 of 32 bytes>' as written by outpost secret encrypt"
        )
    }

    static func keyFileNotCreated(_ error: FileAccessError) -> SecretError {
        SecretError(
            .keyFileNotCreated,
            "cannot create the secret key file at \(error.path): \(error.reason); choose another path with "
                + "--key-file or OUTPOST_SECRET_KEY_FILE"
        )
    }

    static let noKeyFileLocation = SecretError(
        .noKeyFileLocation,
        "no place for the secret key file: none of OUTPOST_SECRET_KEY_FILE, XDG_CONFIG_HOME or HOME is set; "
            + "pass --key-file or set OUTPOST_SECRET_KEY_FILE"
    )

    static func wrongKey(_ path: String, subject: String) -> SecretError {
        SecretError(
            .wrongKey,
            "\(subject) could not be opened with the key file at \(path): it was sealed with a different key, "
                + "or the value is damaged"
        )
    }

    static func malformedValue(subject: String) -> SecretError {
        SecretError(
            .malformedValue,
            "\(subject) is not a valid sealed value: the text after \(SealedSecret.prefix) is not base64; "
                + "copy the whole line printed by outpost secret encrypt"
        )
    }

    static func valueTooShort(subject: String, byteCount: Int) -> SecretError {
        SecretError(
            .valueTooShort,
            "\(subject) is not a valid sealed value: it holds \(byteCount) bytes, fewer than the "
                + "\(SealedSecret.overhead) of nonce and tag; copy the whole line printed by outpost secret encrypt"
        )
    }

    static func legacyAES(subject: String) -> SecretError {
        SecretError(
            .legacyAES,
            "\(subject) holds an AES: value from the original EMS; those are sealed with PTC's built-in key and "
                + "are not portable to Outpost: re-seal the plain value with `outpost secret encrypt`"
        )
    }

    static func notText(subject: String) -> SecretError {
        SecretError(.notText, "\(subject) opened, but its plain value is not UTF-8 text")
    }

    static let emptySecret = SecretError(.emptySecret, "refusing to seal an empty secret")
}
