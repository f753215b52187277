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

extension TestTLS {
    /// A private CA and a server certificate for 127.0.0.1 it signed, made with the openssl CLI; the
    /// server key is encrypted PKCS#8.
    static func privateCA() async throws -> (caPath: String, server: TestTLS) {
        let directory = NSTemporaryDirectory() + "outpost-ems-ca-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let script = """
            set -e
            cd '\(directory)'
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=Test-Private-CA \\
                -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \\
                -keyout ca.key -out ca.crt 2>/dev/null
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -subj /CN=127.0.0.1 \\
                -passout pass:edge-pass -keyout server.key -out server.csr 2>/dev/null
            printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth\\n' > ext.cnf
            openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile ext.cnf -out server.crt 2>/dev/null
            echo ok
            """
        let output = try await EMSHarness.run("/bin/sh", ["-c", script])
        guard output.contains("ok") else { throw HarnessError("openssl could not make the private CA in \(directory)") }
        let identity = try TLSIdentity.load(
            certificateFile: directory + "/server.crt", keyFile: directory + "/server.key", passphrase: .value(SecretValue("edge-pass")))
        let context = try NIOSSLContext(configuration: .outpostServer(identity: identity))
        return (directory + "/ca.crt", TestTLS(directory: directory, certificatePath: directory + "/server.crt", context: context, identity: identity))
    }
}
