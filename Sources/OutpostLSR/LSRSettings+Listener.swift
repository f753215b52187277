import Foundation
import NIOSSL
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
            let identity: TLSIdentity
            if let chain = server.certificateChain, !chain.isEmpty, !server.useDefaultCertificate {
                guard let key = server.privateKey, !key.isEmpty else {
                    throw LSRSetupError("script_resource_certificate_chain is set but script_resource_private_key is not: set it to the certificate's encrypted PEM key")
                }
                guard let passphrase = server.passphrase, !passphrase.isEmpty else {
                    throw LSRSetupError("Unencrypted private keys are not supported. Passphrase must be specified: set script_resource_passphrase")
                }
                do {
                    identity = try TLSIdentity.load(
                        certificateFile: chain, keyFile: key,
                        passphrase: .config(passphrase.rawValue, key: "script_resource_passphrase", resolver: resolver))
                } catch {
                    throw LSRSetupError("script_resource TLS: \(error.message)")
                }
                notes.append("callback listener: HTTPS with \(chain) (\(identity.summary.displayName))")
            } else {
                identity = try RunCertificate.make(host: server.host)
                listener.selfSignedCertificate = true
                notes.append("callback listener: HTTPS with a self-signed certificate made for this run (development only; set script_resource_certificate_chain)")
            }
            listener.tls = .outpostServer(identity: identity)
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
}

/// A self-signed certificate for one run of the callback listener, when `script_resource_ssl` is on and no
/// certificate is configured: generated fresh (P-256), never shared between installs, its key only
/// briefly on disk (encrypted, in a private temporary directory removed at once).
enum RunCertificate {
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
