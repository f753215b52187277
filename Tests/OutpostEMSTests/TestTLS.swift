import Foundation
import NIOSSL
import OutpostSecrets
import OutpostTLS

/// A throwaway server certificate (P-256, self-signed, for 127.0.0.1 and localhost) written to a temp
/// directory, so curl can verify it with `--cacert`.
struct TestTLS {
    let directory: String
    let certificatePath: String
    let context: NIOSSLContext
    let identity: TLSIdentity

    static func make() throws -> TestTLS {
        let directory = NSTemporaryDirectory() + "outpost-ems-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let issued = try CertificateIssuer.selfSigned(
            CertificateRequest(commonName: "127.0.0.1", alternativeNames: [.ip("127.0.0.1"), .dns("localhost")]))
        let passphrase = SecretValue("test-passphrase")
        let certificatePath = directory + "/server.crt"
        try issued.write(certificateTo: certificatePath, privateKeyTo: directory + "/server.key", passphrase: passphrase)
        let identity = try TLSIdentity.load(
            certificateFile: certificatePath, keyFile: directory + "/server.key", passphrase: .value(passphrase))
        let context = try NIOSSLContext(configuration: .outpostServer(identity: identity))
        return TestTLS(directory: directory, certificatePath: certificatePath, context: context, identity: identity)
    }
}
