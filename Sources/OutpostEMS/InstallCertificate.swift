import Foundation
import OutpostSecrets
import OutpostTLS

/// The HTTPS certificate of this install, made on first start when `ssl` is on and no certificate is
/// configured (or `use_default_certificate` is set): P-256, self-signed, its key encrypted with a
/// random passphrase that is itself sealed (`enc:v1:`) with the install's secret key file. Files are
/// created 0600 (key, passphrase) in `directory`; no two installs share a certificate.
struct InstallCertificate {
    let identity: TLSIdentity
    let certificatePath: String
    let created: Bool

    static let certificateFileName = "ems-https.crt"

    static func loadOrCreate(directory: String, host: String, keyFilePath: String) throws -> InstallCertificate {
        let certificatePath = directory + "/" + certificateFileName
        let keyPath = directory + "/ems-https.key"
        let passphrasePath = directory + "/ems-https.pass"
        let keyFile = try SecretKeyFile.loadOrCreate(at: keyFilePath)
        let fileManager = FileManager.default
        var created = false
        if !fileManager.fileExists(atPath: certificatePath) || !fileManager.fileExists(atPath: keyPath)
            || !fileManager.fileExists(atPath: passphrasePath)
        {
            var names: [CertificateRequest.AlternativeName] = [.dns("localhost"), .ip("127.0.0.1"), .ip("::1")]
            let hostName = ProcessInfo.processInfo.hostName
            if !hostName.isEmpty && hostName != "localhost" { names.append(.dns(hostName)) }
            if !["localhost", "127.0.0.1", "::1", "0.0.0.0", "::", ""].contains(host) {
                let isAddress = host.contains(":") || host.split(separator: ".").count == 4 && host.allSatisfy { $0 == "." || $0.isNumber }
                names.append(isAddress ? .ip(host) : .dns(host))
            }
            let request = CertificateRequest(commonName: "Outpost EMS \(hostName)", alternativeNames: names, days: 825)
            let issued = try CertificateIssuer.selfSigned(request)
            let passphrase = SecretValue.random(byteCount: 32)
            let hex = passphrase.withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
            let textPassphrase = SecretValue(hex)
            try ProtectedFile.createDirectories(directory)
            try issued.write(certificateTo: certificatePath, privateKeyTo: keyPath, passphrase: textPassphrase, replacing: true)
            let sealed = try keyFile.seal(textPassphrase)
            try ProtectedFile.create(passphrasePath, contents: Array((sealed + "\n").utf8), mode: 0o600, replacing: true)
            created = true
        }
        let sealedText = String(decoding: try ProtectedFile.read(passphrasePath).bytes, as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let passphrase = try keyFile.open(sealedText, subject: passphrasePath)
        let identity = try TLSIdentity.load(certificateFile: certificatePath, keyFile: keyPath, passphrase: .value(passphrase))
        return InstallCertificate(identity: identity, certificatePath: certificatePath, created: created)
    }
}
