public import Crypto
import Foundation

/// The per-install key that seals and opens `enc:v1:` values.
///
/// The file is text, so an operator can tell what it is and back it up with ordinary tools:
///
/// ```
/// # Outpost secret key: opens the enc:v1: values in this install's config. Keep it private (mode 0600) ...
/// outpost-secret-key:v1:<standard base64 of 32 random bytes>
/// ```
///
/// Lines starting with `#` and blank lines are ignored; exactly one key line must be present. There
/// is no built-in default key: a key compiled into the binary would be the same on every install,
/// which is the weakness of the original EMS's `AES:` scheme.
public struct SecretKeyFile: Sendable {
    /// The start of the key line.
    public static let linePrefix = "outpost-secret-key:v1:"
    /// Key size in bytes (AES-256).
    public static let keySize = 32

    /// Where the key was read from or written to.
    public let path: String
    /// The AES-256 key.
    public let key: SymmetricKey
    /// True if this call created the file (first use).
    public let wasCreated: Bool
    /// Problems worth a warning, such as a file readable by group or others. Not printed here.
    public let warnings: [String]

    /// Loads an existing key file.
    ///
    /// `subject` names what needed the key (e.g. `http_server.password`) for the missing-file error.
    public static func load(at path: String, for subject: String = "a sealed value") throws(SecretError) -> SecretKeyFile {
        var contents: ProtectedFile.Contents
        do {
            contents = try ProtectedFile.read(path)
        } catch {
            if error.isMissing { throw .keyFileMissing(path, subject: subject) }
            throw .keyFileUnreadable(error)
        }
        defer { ProtectedFile.wipe(&contents.bytes) }
        let key = try decode(contents.bytes, path: path)
        var warnings: [String] = []
        if contents.isAccessibleByOthers {
            warnings.append(
                "the secret key file at \(path) is accessible by group or others (mode "
                    + "\(String(contents.mode, radix: 8))); restrict it with chmod 600 \(path)")
        }
        return SecretKeyFile(path: path, key: key, wasCreated: false, warnings: warnings)
    }

    /// Loads the key file, or creates it with a new random key if it does not exist yet.
    ///
    /// The file is created with mode 0600 from the start (`O_CREAT | O_EXCL`), its parent directory
    /// with 0700 if missing. If another process creates it at the same moment, its key is used.
    public static func loadOrCreate(at path: String) throws(SecretError) -> SecretKeyFile {
        do {
            return try load(at: path)
        } catch where error.code != .keyFileMissing {
            throw error
        } catch {}

        do {
            try ProtectedFile.createDirectories(ProtectedFile.directoryName(of: path))
        } catch {
            throw .keyFileNotCreated(error)
        }
        let key = SymmetricKey(size: .bits256)
        var text = Array(encode(key).utf8)
        defer { ProtectedFile.wipe(&text) }
        do {
            try ProtectedFile.create(path, contents: text, mode: 0o600)
        } catch where error.isAlreadyExisting {
            return try load(at: path)
        } catch {
            throw .keyFileNotCreated(error)
        }
        return SecretKeyFile(path: path, key: key, wasCreated: true, warnings: [])
    }

    /// Seals a secret with this key.
    public func seal(_ secret: SecretValue) throws(SecretError) -> String {
        try SealedSecret.seal(secret, with: key)
    }

    /// Opens an `enc:v1:` value sealed with this key.
    public func open(_ sealed: String, subject: String) throws(SecretError) -> SecretValue {
        try SealedSecret.open(sealed, subject: subject, with: key, keyFilePath: path)
    }
}

extension SecretKeyFile {
    /// The text of a key file holding `key`.
    static func encode(_ key: SymmetricKey) -> String {
        let encoded = key.withUnsafeBytes { Data($0).base64EncodedString() }
        return """
            # Outpost secret key: opens the enc:v1: values in this install's config files.
            # Keep it private (mode 0600) and back it up: values sealed with it cannot be opened without it.
            \(linePrefix)\(encoded)

            """
    }

    /// Parses key file text; rejects anything but one well-formed key line of 32 bytes.
    static func decode(_ bytes: [UInt8], path: String) throws(SecretError) -> SymmetricKey {
        let text = String(decoding: bytes, as: UTF8.self)
        guard Array(text.utf8) == bytes else { throw .keyFileMalformed(path, "it is not text") }
        var keyLines: [Substring] = []
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            keyLines.append(line)
        }
        guard keyLines.count == 1, let line = keyLines.first else {
            throw .keyFileMalformed(path, keyLines.isEmpty ? "it holds no key line" : "it holds \(keyLines.count) key lines")
        }
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix(linePrefix) else {
            throw .keyFileMalformed(path, "its key line does not start with \(linePrefix)")
        }
        guard var raw = Data(base64Encoded: String(trimmed.dropFirst(linePrefix.count))) else {
            throw .keyFileMalformed(path, "its key is not base64")
        }
        defer { raw.resetBytes(in: 0..<raw.count) }
        guard raw.count == keySize else {
            throw .keyFileMalformed(path, "its key is \(raw.count) bytes, not \(keySize)")
        }
        return SymmetricKey(data: raw)
    }
}
