import OutpostConfig
import OutpostSecrets

/// Opens every sealed value of a config with the key file, so `validate` catches a value sealed on
/// another machine before start-up does. Plain and `AES:` values are judged by the config layer.
enum SealedSecretCheck {
    static func findings(for occurrences: [ConfigSecretOccurrence], keyFile: String?) -> [ConfigFinding] {
        let sealed = occurrences.filter { $0.form == .sealed }
        guard !sealed.isEmpty else { return [] }
        let resolver: SecretResolver
        do {
            resolver = try SecretResolver(explicitKeyFile: keyFile)
        } catch {
            return [ConfigFinding(.error, .invalid, path: sealed[0].path.description, error.message, at: sealed[0].position)]
        }
        var findings: [ConfigFinding] = []
        for occurrence in sealed {
            do {
                _ = try resolver.resolve(occurrence.secret.rawValue, key: occurrence.path.description)
            } catch {
                findings.append(ConfigFinding(.error, .invalid, path: occurrence.path.description, error.message, at: occurrence.position))
            }
        }
        for warning in resolver.keyFileWarnings() {
            findings.append(ConfigFinding(.warning, .insecure, path: "", warning))
        }
        return findings
    }
}
