import Foundation
import OutpostConfig
import OutpostSecrets
import OutpostTLS

extension LSRSettings {
    /// The `script_resource_*` keys as a listener: TLS with the configured certificate and encrypted key
    /// (or a certificate made for this run), Basic authentication.
    static func listener(
        _ server: LuaScriptResourceConfig.ScriptResource, resolver: SecretResolver, notes: inout [String]
    ) throws(LSRSetupError) -> Listener {
        var listener = Listener(host: server.host, port: server.port, maxClients: server.maxClients)
        if server.ssl {
            let tls = try serverTLS(server, resolver: resolver)
            listener.serverTLS = tls
            if let material = tls.material {
                if material.origin == ServerTLSSource.installDefaultOrigin {
                    listener.selfSignedCertificate = true
                    notes.append("callback listener: HTTPS with a self-signed certificate made for this run (development only; set script_resource_tls_directory or script_resource_certificate_chain)")
                } else {
                    notes.append("callback listener: HTTPS with \(material.origin) (\(material.defaultIdentity.summary.displayName)), reloaded when the files change")
                }
                if let clientCA = material.clientCA {
                    notes.append("callback listener: client certificates required, signed by \(clientCA.paths.joined(separator: ", "))")
                }
                for name in material.selection.byName.keys.sorted() {
                    notes.append("callback listener: certificate for SNI name \(name) (and its subdomains)")
                }
                for warning in material.warnings { notes.append("callback listener TLS warning: \(warning.message)") }
            }
        } else {
            notes.append("callback listener: plain HTTP (script_resource_ssl = false)")
        }
        if server.authenticate {
            guard let user = server.userID, !user.isEmpty, let password = server.password, !password.isEmpty else {
                throw LSRSetupError(
                    "script_resource_userid and script_resource_password can not be empty when script_resource_authenticate is enabled. Insecure configuration: not starting")
            }
            do {
                listener.auth = LSRBasicAuth(user: user, password: try resolver.resolve(password.rawValue, key: "script_resource_password"))
            } catch {
                throw LSRSetupError(error.message)
            }
            notes.append("callback listener: HTTP Basic (user \(user))")
        } else {
            notes.append("callback listener: authentication OFF (script_resource_authenticate = false)")
        }
        return listener
    }

    /// The listener's reloadable TLS: `script_resource_tls_directory` (ca.pem ⇒ client certificates
    /// required), else `script_resource_certificate_chain` + `script_resource_private_key`, else a
    /// certificate made for this run.
    static func serverTLS(
        _ server: LuaScriptResourceConfig.ScriptResource, resolver: SecretResolver
    ) throws(LSRSetupError) -> ServerTLS {
        let directory = (server.tlsDirectory ?? "").isEmpty ? nil : server.tlsDirectory
        var certificateFile: String?
        var keyFile: String?
        if let chain = server.certificateChain, !chain.isEmpty, !server.useDefaultCertificate {
            guard let key = server.privateKey, !key.isEmpty else {
                throw LSRSetupError("script_resource_certificate_chain is set but script_resource_private_key is not: set it to the certificate's encrypted PEM key")
            }
            guard let passphrase = server.passphrase, !passphrase.isEmpty else {
                throw LSRSetupError("Unencrypted private keys are not supported. Passphrase must be specified: set script_resource_passphrase")
            }
            certificateFile = chain
            keyFile = key
        }
        let runCertificate = RunCertificate(host: server.host)
        let source = ServerTLSSource(
            listener: "script_resource", directory: directory, certificateFile: certificateFile, keyFile: keyFile,
            passphrase: .config(server.passphrase?.rawValue ?? "", key: "script_resource_passphrase", resolver: resolver),
            installDefault: { try runCertificate.identity() })
        do throws(TLSMaterialError) {
            return try ServerTLS(source: source)
        } catch {
            throw LSRSetupError("script_resource TLS: \(error.message)")
        }
    }
}

/// A self-signed certificate for one run of the callback listener, when `script_resource_ssl` is on and no
/// certificate is configured: generated fresh (P-256) the first time it is needed and kept for the run
/// (reloads ask again), never shared between installs, its key only briefly on disk (encrypted, in a
/// private temporary directory removed at once).
final class RunCertificate: @unchecked Sendable {
    private let host: String
    private let lock = NSLock()
    private var made: TLSIdentity?

    init(host: String) {
        self.host = host
    }

    func identity() throws(LSRSetupError) -> TLSIdentity {
        lock.lock()
        defer { lock.unlock() }
        if let made { return made }
        let identity = try Self.make(host: host)
        made = identity
        return identity
    }

    static func make(host: String) throws(LSRSetupError) -> TLSIdentity {
        let directory = NSTemporaryDirectory() + "outpost-lsr-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            var names: [CertificateRequest.AlternativeName] = [.dns("localhost"), .ip("127.0.0.1")]
            if !["localhost", "127.0.0.1", "0.0.0.0", ""].contains(host) {
                let isAddress = host.contains(":") || host.allSatisfy { $0 == "." || $0.isNumber }
                names.append(isAddress ? .ip(host) : .dns(host))
            }
            let issued = try CertificateIssuer.selfSigned(
                CertificateRequest(commonName: "Outpost script resource", alternativeNames: names, days: 30))
            let passphrase = SecretValue.random(byteCount: 24)
            let hex = SecretValue(passphrase.withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() })
            try issued.write(certificateTo: directory + "/run.crt", privateKeyTo: directory + "/run.key", passphrase: hex)
            return try TLSIdentity.load(certificateFile: directory + "/run.crt", keyFile: directory + "/run.key", passphrase: .value(hex))
        } catch {
            throw LSRSetupError("cannot make a certificate for the callback listener: \(error)")
        }
    }
}
