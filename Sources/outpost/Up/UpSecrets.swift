import Foundation
import OutpostConfig
import OutpostSecrets

/// The per-install secrets of the demo: random values made on the first run, kept sealed (`enc:v1:`
/// under the state directory's key file) in `secrets.json`, and pasted sealed into the effective
/// configs. The repository's configs hold readable placeholder values; none of them is ever used.
struct UpSecrets: Sendable {
    /// The secrets by name, as stored: each an `enc:v1:` value.
    private(set) var sealed: [Name: String]

    enum Name: String, CaseIterable, Sendable {
        /// The app key the EMS sends and the platform accepts.
        case appKey = "app_key"
        /// Bearer token of the platform's admin API.
        case adminToken = "admin_token"
        /// Basic-auth password of the EMS REST API (also the LSR's `rap_password`).
        case emsPassword = "ems_password"
        /// Basic-auth password of the LSR's callback listener.
        case lsrPassword = "lsr_password"
        case caKeyPassphrase = "ca_key_passphrase"
        case platformKeyPassphrase = "platform_key_passphrase"
        case emsServerKeyPassphrase = "ems_server_key_passphrase"
        case emsClientKeyPassphrase = "ems_client_key_passphrase"
        case lsrKeyPassphrase = "lsr_key_passphrase"
    }

    /// The sealed text of one secret, for a config file.
    subscript(name: Name) -> String { sealed[name] ?? "" }

    /// Reads `secrets.json`, or makes and writes new secrets when it does not exist. Opens every value
    /// once, so a file from another key or a hand-edited value is reported now rather than by a child.
    static func loadOrCreate(_ layout: UpLayout, keyFile: SecretKeyFile) throws(UpStateError) -> (UpSecrets, created: Bool) {
        if FileManager.default.fileExists(atPath: layout.secretsFile) {
            let secrets = try load(layout, keyFile: keyFile)
            return (secrets, false)
        }
        var sealed: [Name: String] = [:]
        do {
            for name in Name.allCases { sealed[name] = try keyFile.seal(.random(byteCount: 24)) }
        } catch {
            throw UpStateError("cannot seal the new secrets with \(keyFile.path): \(error.message)")
        }
        var members: [(String, JSONOutput)] = [
            ("comment", .string("Secrets of this outpost up install, sealed with secret.key beside this file. Made on the first run; delete the whole directory to start over.")),
        ]
        for name in Name.allCases { members.append((name.rawValue, .string(sealed[name] ?? ""))) }
        do {
            try ProtectedFile.create(
                layout.secretsFile, contents: Array((JSONOutput.object(members).rendered() + "\n").utf8), mode: 0o600)
        } catch {
            throw UpStateError("cannot write \(layout.secretsFile): \(error.description)")
        }
        return (UpSecrets(sealed: sealed), true)
    }

    private static func load(_ layout: UpLayout, keyFile: SecretKeyFile) throws(UpStateError) -> UpSecrets {
        let file = layout.secretsFile
        let contents: ProtectedFile.Contents
        do {
            contents = try ProtectedFile.read(file)
        } catch {
            throw .damaged(file, "cannot be read (\(error.description))", stateDirectory: layout.stateDirectory)
        }
        guard let root = try? JSONParser.parse(contents.bytes), case .object(let members) = root.value else {
            throw .damaged(file, "is not a JSON object", stateDirectory: layout.stateDirectory)
        }
        var sealed: [Name: String] = [:]
        for name in Name.allCases {
            guard let member = members.first(where: { $0.key == name.rawValue }), case .string(let text) = member.value.value
            else {
                throw .damaged(file, "has no \(name.rawValue)", stateDirectory: layout.stateDirectory)
            }
            do {
                _ = try keyFile.open(text, subject: name.rawValue)
            } catch {
                throw .damaged(file, "\(name.rawValue) cannot be opened: \(error.message)", stateDirectory: layout.stateDirectory)
            }
            sealed[name] = text
        }
        return UpSecrets(sealed: sealed)
    }

    /// Opens one secret (for a key passphrase or a curl credential file). Checked at load, so it opens.
    func open(_ name: Name, with keyFile: SecretKeyFile) throws(UpStateError) -> SecretValue {
        do {
            return try keyFile.open(self[name], subject: name.rawValue)
        } catch {
            throw UpStateError("cannot open \(name.rawValue): \(error.message)")
        }
    }
}
