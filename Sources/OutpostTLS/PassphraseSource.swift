public import Foundation
public import OutpostSecrets

/// Where the passphrase of an encrypted private key comes from.
///
/// Passphrases never come from the command line: argv is visible to every user through `ps`.
public enum PassphraseSource: Sendable {
    /// No passphrase: an encrypted key fails with ``TLSMaterialError/Code/passphraseRequired``.
    case none
    /// Already in hand (read from stdin, or resolved by the caller).
    case value(SecretValue)
    /// A config value, plain or `enc:v1:`, opened with `resolver`; `key` names it in errors
    /// (e.g. `certificates.key_passphrase`). An empty value means no passphrase.
    case config(String, key: String, resolver: SecretResolver)
    /// A file holding the passphrase; one trailing newline (`\n` or `\r\n`) is stripped.
    case file(String)
    /// An environment variable holding the passphrase.
    case environment(String)

    /// The passphrase, or nil for ``none`` and empty config values.
    public func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(TLSMaterialError) -> SecretValue? {
        switch self {
        case .none:
            return nil
        case .value(let value):
            return value.isEmpty ? nil : value
        case .config(let raw, let key, let resolver):
            guard !raw.isEmpty else { return nil }
            do {
                return try resolver.resolve(raw, key: key)
            } catch {
                throw TLSMaterialError(.passphraseUnavailable, error.message)
            }
        case .file(let path):
            var contents: ProtectedFile.Contents
            do {
                contents = try ProtectedFile.read(path)
            } catch {
                let mapped = TLSMaterialError.reading("passphrase file", failure: error)
                throw TLSMaterialError(.passphraseUnavailable, mapped.message)
            }
            defer { ProtectedFile.wipe(&contents.bytes) }
            let bytes = Self.strippingOneNewline(contents.bytes)
            guard !bytes.isEmpty else {
                throw TLSMaterialError(.passphraseUnavailable, "passphrase file \(path) is empty")
            }
            return SecretValue(bytes: bytes)
        case .environment(let name):
            guard let value = environment[name] else {
                throw TLSMaterialError(
                    .passphraseUnavailable, "environment variable \(name), named for the passphrase, is not set")
            }
            guard !value.isEmpty else {
                throw TLSMaterialError(
                    .passphraseUnavailable, "environment variable \(name), named for the passphrase, is empty")
            }
            return SecretValue(value)
        }
    }

    /// Drops one trailing `\n` or `\r\n`, as left by `echo` or an editor.
    public static func strippingOneNewline(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        if bytes.last == 0x0A {
            bytes.removeLast()
            if bytes.last == 0x0D { bytes.removeLast() }
        }
        return bytes
    }
}
