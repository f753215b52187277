import Foundation
import NIOSSL
import OutpostConfig
import OutpostSecrets
import OutpostTLS

extension LSRSettings {
    /// The `rap_*` keys as a connection: HTTPS verified against `rap_cert_file` (or not, when
    /// `rap_validate` is off), Basic credentials, timeout.
    static func emsConnection(
        _ rap: LuaScriptResourceConfig.RAP, resolver: SecretResolver, notes: inout [String]
    ) throws(LSRSetupError) -> EMSConnection {
        let shownHost = rap.host.contains(":") ? "[\(rap.host)]" : rap.host
        var connection = EMSConnection(
            baseURL: "\(rap.ssl ? "https" : "http")://\(shownHost):\(rap.port)",
            timeout: .milliseconds(rap.timeout ?? 10_000))
        if rap.ssl {
            if rap.validate {
                guard let file = rap.certFile, !file.isEmpty else {
                    throw LSRSetupError(
                        "rap_validate is true but rap_cert_file is not set: set it to the PEM file of the CA that signed the EMS's certificate")
                }
                let roots: TrustRoots
                do {
                    roots = try TrustRoots.load([file])
                } catch {
                    throw LSRSetupError("rap_cert_file \(file): \(error.message)")
                }
                connection.tls = .outpostClient(trustRoots: roots)
                connection.certificateFile = file
                connection.denySelfSigned = rap.denySelfSigned
                connection.validates = true
                connection.pinnedCertificates = roots.certificates.map(\.der)
                notes.append("EMS connection: HTTPS to \(connection.baseURL), certificate verified against \(file)\(rap.denySelfSigned ? ", self-signed refused" : ", self-signed accepted")")
            } else {
                connection.tls = .outpostClient(verification: .none)
                notes.append("EMS connection: HTTPS to \(connection.baseURL) WITHOUT certificate validation (rap_validate = false)")
            }
        } else {
            notes.append("EMS connection: plain HTTP to \(connection.baseURL) (rap_ssl = false)")
        }
        if rap.serverAuthenticate {
            guard let user = rap.userID, !user.isEmpty, let password = rap.password, !password.isEmpty else {
                throw LSRSetupError(
                    "rap_server_authenticate is true but rap_userid or rap_password is empty: set both to the EMS's http_server user and password")
            }
            let opened: SecretValue
            do {
                opened = try resolver.resolve(password.rawValue, key: "rap_password")
            } catch {
                throw LSRSetupError(error.message)
            }
            var credentials = Array(user.utf8)
            credentials.append(UInt8(ascii: ":"))
            opened.withUnsafeBytes { credentials.append(contentsOf: $0) }
            connection.authorization = SecretValue("Basic " + Data(credentials).base64EncodedString())
            connection.userID = user
            notes.append("EMS connection: HTTP Basic as \(user)")
        } else {
            notes.append("EMS connection: no credentials (rap_server_authenticate = false)")
        }
        return connection
    }
}
