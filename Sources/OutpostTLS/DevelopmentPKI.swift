public import Foundation
public import OutpostSecrets

/// A private development PKI in one directory: a CA, a server certificate and a client certificate it
/// signs, each key encrypted with the same passphrase. For `outpost up`-style set-ups where the
/// gateway, the local server and a test platform must trust each other without a real CA.
///
/// Files: `ca.pem`, `ca-key.pem`, `server.pem`, `server-key.pem`, `client.pem`, `client-key.pem`
/// (keys mode 0600). Point `certificates.cert_chain` and client CA lists at `ca.pem`.
public enum DevelopmentPKI {
    /// Where the files went.
    public struct Paths: Sendable {
        public let directory: String
        public var caCertificate: String { directory + "/ca.pem" }
        public var caKey: String { directory + "/ca-key.pem" }
        public var serverCertificate: String { directory + "/server.pem" }
        public var serverKey: String { directory + "/server-key.pem" }
        public var clientCertificate: String { directory + "/client.pem" }
        public var clientKey: String { directory + "/client-key.pem" }
    }

    /// Creates the CA and both certificates in `directory` (created 0700 if missing).
    ///
    /// - Parameters:
    ///   - serverNames: SANs of the server certificate; its common name is the first one.
    ///   - clientName: Common name of the client certificate.
    ///   - replacing: Overwrite existing files instead of failing.
    @discardableResult
    public static func create(
        in directory: String,
        serverNames: [CertificateRequest.AlternativeName] = [.dns("localhost"), .ip("127.0.0.1"), .ip("::1")],
        clientName: String = "outpost-client",
        passphrase: SecretValue,
        days: Int = 365,
        replacing: Bool = false,
        now: Date = Date()
    ) throws(TLSMaterialError) -> Paths {
        let paths = Paths(directory: directory.hasSuffix("/") ? String(directory.dropLast()) : directory)
        let ca = try CertificateIssuer.selfSigned(
            CertificateRequest(
                commonName: "Outpost Development CA", days: max(days, 3650), isCertificateAuthority: true, now: now))
        let serverCommonName: String
        switch serverNames.first {
        case .dns(let name): serverCommonName = name
        case .ip(let address): serverCommonName = address
        case nil: throw TLSMaterialError(.invalidRequest, "the development server certificate needs at least one name")
        }
        let server = try CertificateIssuer.issue(
            CertificateRequest(commonName: serverCommonName, alternativeNames: serverNames, days: days, now: now),
            signedBy: ca.authority)
        let client = try CertificateIssuer.issue(
            CertificateRequest(commonName: clientName, days: days, now: now), signedBy: ca.authority)
        try ca.write(
            certificateTo: paths.caCertificate, privateKeyTo: paths.caKey, passphrase: passphrase, replacing: replacing)
        try server.write(
            certificateTo: paths.serverCertificate, privateKeyTo: paths.serverKey, passphrase: passphrase,
            replacing: replacing)
        try client.write(
            certificateTo: paths.clientCertificate, privateKeyTo: paths.clientKey, passphrase: passphrase,
            replacing: replacing)
        return paths
    }
}
