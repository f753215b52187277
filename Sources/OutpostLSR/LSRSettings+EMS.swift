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
                let file = rap.certFile ?? ""
                let directory = (rap.trustedDirectory ?? "").isEmpty ? nil : rap.trustedDirectory
                guard !file.isEmpty || directory != nil else {
                    throw LSRSetupError(
                        "rap_validate is true but rap_cert_file is not set: set it to the PEM file of the CA that signed the EMS's certificate (or rap_trusted_directory to a directory of them)")
                }
                let trust: TrustedCertificates
                do {
                    trust = try TrustedCertificates(name: "rap_cert_file", files: file.isEmpty ? [] : [file], directory: directory)
                } catch {
                    throw LSRSetupError(error.message)
                }
                connection.tls = .outpostClient(trustRoots: trust.roots)
                connection.trust = trust
                connection.certificateFile = file.isEmpty ? directory : file
                connection.denySelfSigned = rap.denySelfSigned
                connection.validates = true
                connection.pinnedCertificates = trust.roots.certificates.map(\.der)
                let sources = ([file] + [directory.map { "every *.pem in \($0)" } ?? ""]).filter { !$0.isEmpty }.joined(separator: " and ")
                notes.append("EMS connection: HTTPS to \(connection.baseURL), certificate verified against \(sources) (reloaded when they change)\(rap.denySelfSigned ? ", self-signed refused" : ", self-signed accepted")")
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
