public import Foundation

/// Turns secret-bearing config values into ``SecretValue``s.
///
/// Accepts three forms: `enc:v1:` (opened with the key file), plain text (returned with origin
/// `.plain`, so the caller can warn and name the key), and `AES:` from the original EMS (refused with
/// advice to re-seal). The key file is read only when a sealed value is met, and read each time:
/// a config has a handful of secrets, and this keeps the resolver a plain `Sendable` value.
public struct SecretResolver: Sendable {
    /// The key file used for `enc:v1:` values.
    public let keyFilePath: String

    public init(keyFilePath: String) {
        self.keyFilePath = keyFilePath
    }

    /// A resolver whose key file is found the usual way (see ``SecretKeyFile/resolvePath(explicit:environment:)``).
    public init(
        explicitKeyFile: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SecretError) {
        self.keyFilePath = try SecretKeyFile.resolvePath(explicit: explicitKeyFile, environment: environment)
    }

    /// Resolves the raw config text of `configKey` (e.g. `http_server.password`).
    public func resolve(_ raw: String, key configKey: String) throws(SecretError) -> SecretValue {
        if SealedSecret.isLegacy(raw) { throw .legacyAES(subject: configKey) }
        guard SealedSecret.isSealed(raw) else { return SecretValue(raw, origin: .plain) }
        _ = try SealedSecret.parse(raw, subject: configKey)
        let keyFile = try SecretKeyFile.load(at: keyFilePath, for: configKey)
        return try keyFile.open(raw, subject: configKey)
    }

    /// Warnings about the key file itself (readable by others), for the caller to log once at start-up.
    /// Empty if the file is fine or absent.
    public func keyFileWarnings() -> [String] {
        (try? SecretKeyFile.load(at: keyFilePath))?.warnings ?? []
    }
}
