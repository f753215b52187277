import Foundation
import OutpostConfig
import OutpostTLS

/// The certificate files an EMS config puts to use, by role, found the way the running EMS finds
/// them (TLS directory, then `certificate`, then the install's generated certificate). Read without
/// keys or passphrases: `cert status` and `cert export` need only the public part.
struct ConfigCertificateFiles {
    struct File {
        /// e.g. "http_server certificate", "uplink client certificate", "uplink trusted CA".
        var role: String
        var path: String
    }

    var files: [File] = []
    /// The file holding the listener's default certificate (leaf first), if TLS is on.
    var listenerCertificate: String?

    init(config: EMSConfig, stateDirectory: String) {
        let http = config.httpServer
        if http.ssl {
            if let directory = http.tlsDirectory, !directory.isEmpty {
                let tls = TLSDirectory(directory)
                if tls.hasCertificate {
                    listenerCertificate = tls.certificateFile
                    files.append(File(role: "http_server certificate", path: tls.certificateFile))
                }
                if FileManager.default.fileExists(atPath: tls.chainFile) {
                    files.append(File(role: "http_server chain", path: tls.chainFile))
                }
                for (name, sub) in tls.nameDirectories() {
                    files.append(File(role: "http_server certificate for \(name)", path: sub.certificateFile))
                }
                if tls.requiresClientCertificates {
                    files.append(File(role: "http_server client CA", path: tls.clientCAFile))
                }
            }
            if listenerCertificate == nil {
                let path =
                    !http.useDefaultCertificate && !(http.certificate ?? "").isEmpty
                    ? http.certificate ?? "" : stateDirectory + "/ems-https.crt"
                listenerCertificate = path
                files.append(File(role: "http_server certificate", path: path))
            }
        }
        if let client = config.certificates.clientCert, !client.isEmpty {
            files.append(File(role: "uplink client certificate", path: client))
        }
        for path in config.certificates.certChain {
            files.append(File(role: "uplink trusted CA", path: path))
        }
        if let directory = config.certificates.trustedDirectory, !directory.isEmpty {
            for path in TrustedCertificates.directoryFiles(directory) {
                files.append(File(role: "uplink trusted CA", path: path))
            }
        }
    }

    /// Every certificate of every file, with its role; unreadable files come back as errors.
    func certificates() -> (inUse: [CertificateInUse], errors: [(File, TLSMaterialError)]) {
        var inUse: [CertificateInUse] = []
        var errors: [(File, TLSMaterialError)] = []
        for file in files {
            do {
                for (position, certificate) in try PEMCertificate.load(file.path).enumerated() {
                    let role = position == 0 || file.role.hasSuffix("CA") ? file.role : "\(file.role) (chain)"
                    inUse.append(CertificateInUse(role: role, path: file.path, summary: certificate.summary))
                }
            } catch {
                errors.append((file, error))
            }
        }
        return (inUse, errors)
    }
}
