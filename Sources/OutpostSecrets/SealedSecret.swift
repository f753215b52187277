public import Crypto
import Foundation

/// The `enc:v1:` format: AES-256-GCM under the install's key file.
///
/// `enc:v1:` followed by standard base64 of nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes). A fresh
/// random nonce per value means sealing the same secret twice gives different text. The config key
/// name is deliberately not bound as associated data, so one sealed value can be pasted into any
/// key (`outpost secret encrypt` does not need to know where it will go).
public enum SealedSecret {
    /// The prefix that marks a sealed value.
    public static let prefix = "enc:v1:"
    /// The prefix of the original EMS's values (PTC's compiled-in AES-128 key); not openable here.
    public static let legacyPrefix = "AES:"
    /// Nonce plus tag: the size of a sealed empty string.
    public static let overhead = 12 + 16

    /// True if `raw` is an `enc:v1:` value.
    public static func isSealed(_ raw: String) -> Bool { raw.hasPrefix(prefix) }

    /// True if `raw` is an `AES:` value from the original EMS.
    public static func isLegacy(_ raw: String) -> Bool { raw.hasPrefix(legacyPrefix) }

    /// Seals `secret` with `key` and returns the `enc:v1:` text.
    public static func seal(_ secret: SecretValue, with key: SymmetricKey) throws(SecretError) -> String {
        guard !secret.isEmpty else { throw .emptySecret }
        do {
            let box = try secret.withUnsafeBytes { try AES.GCM.seal($0, using: key, nonce: AES.GCM.Nonce()) }
            guard let combined = box.combined else { throw CryptoKitError.incorrectParameterSize }
            return prefix + combined.base64EncodedString()
        } catch {
            // Only reachable with a key of the wrong size, which SecretKeyFile never hands out.
            throw SecretError(.keyFileMalformed, "cannot seal with this key: \(error)")
        }
    }

    /// Checks the shape of an `enc:v1:` value without a key: base64, and long enough.
    ///
    /// `subject` names the value in errors, e.g. the config key `http_server.password`.
    public static func parse(_ raw: String, subject: String) throws(SecretError) -> AES.GCM.SealedBox {
        guard raw.hasPrefix(prefix) else { throw .malformedValue(subject: subject) }
        let encoded = raw.dropFirst(prefix.count)
        guard let data = Data(base64Encoded: String(encoded)) else { throw .malformedValue(subject: subject) }
        guard data.count >= overhead else { throw .valueTooShort(subject: subject, byteCount: data.count) }
        do {
            return try AES.GCM.SealedBox(combined: data)
        } catch {
            throw .valueTooShort(subject: subject, byteCount: data.count)
        }
    }

    /// Opens an `enc:v1:` value. A GCM authentication failure becomes ``SecretError/Code/wrongKey``.
    public static func open(
        _ raw: String, subject: String, with key: SymmetricKey, keyFilePath: String
    ) throws(SecretError) -> SecretValue {
        let box = try parse(raw, subject: subject)
        let plain: Data
        do {
            plain = try AES.GCM.open(box, using: key)
        } catch {
            throw .wrongKey(keyFilePath, subject: subject)
        }
        var bytes = [UInt8](plain)
        guard Array(String(decoding: bytes, as: UTF8.self).utf8) == bytes else {
            ProtectedFile.wipe(&bytes)
            throw .notText(subject: subject)
        }
        return SecretValue(bytes: bytes, origin: .sealed)
    }
}
