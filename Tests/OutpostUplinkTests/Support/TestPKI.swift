import Foundation
import OutpostTestSupport
import OutpostSecrets
import OutpostTLS
import Testing

/// Certificates and keys for one end-to-end test, all made by the `openssl` CLI in a fresh workspace:
/// a CA that signs the platform's server certificate and the edge's client certificate, plus a second,
/// foreign CA for certificates the platform must refuse.
final class TestPKI: @unchecked Sendable {
    static let passphrase = "edge key passphrase"
    let workspace: Workspace

    var path: String { workspace.path }
    func file(_ name: String) -> String { workspace.file(name) }

    /// - Parameter clientKey: how the client key is encrypted (scrypt, PBES2, …).
    init(clientKey: KeyVariant = .pbes2AES256SHA256) throws {
        workspace = try Workspace()
        try workspace.makeCA("ca", commonName: "Outpost Test CA")
        try workspace.makeECKey("server.key")
        try workspace.issue(key: "server.key", commonName: "localhost", by: "ca", name: "server.pem")
        try workspace.makeECKey("client-plain.key")
        try workspace.issue(
            key: "client-plain.key", commonName: "edge-1", by: "ca", name: "client.pem",
            extensions: "extendedKeyUsage=clientAuth\n")
        try workspace.encrypt("client-plain.key", as: clientKey, passphrase: Self.passphrase, name: "client.key")
    }

    /// A CA the platform does not trust, and a client certificate it signed.
    func makeForeignClient() throws {
        try workspace.makeCA("foreign-ca", commonName: "Foreign CA")
        try workspace.makeECKey("foreign-client.key")
        try workspace.issue(
            key: "foreign-client.key", commonName: "intruder", by: "foreign-ca", name: "foreign-client.pem",
            extensions: "extendedKeyUsage=clientAuth\n")
    }

    /// A server certificate from the trusted CA for a name that is not `localhost` / 127.0.0.1.
    func makeWrongHostServer() throws {
        try workspace.issue(
            key: "server.key", commonName: "platform.example", by: "ca", name: "wrong-host.pem",
            extensions: "subjectAltName=DNS:platform.example\nextendedKeyUsage=serverAuth\n")
    }

    /// A self-signed server certificate (not from the trusted CA).
    func makeUntrustedServer() throws {
        try workspace.makeECKey("untrusted.key")
        try workspace.makeSelfSigned(
            key: "untrusted.key", commonName: "localhost", name: "untrusted.pem",
            extra: ["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
    }

    /// A server certificate that expired in 2020.
    func makeExpiredServer() throws {
        try workspace.makeECKey("expired.key")
        try workspace.makeSelfSigned(
            key: "expired.key", commonName: "localhost", name: "expired.pem", start: "20190101000000Z", end: "20200101000000Z")
    }

    /// The SHA-256 fingerprint of a PEM certificate, as `openssl x509 -fingerprint -sha256` prints it.
    func fingerprint(_ name: String) throws -> String {
        let output = try workspace.openssl(["x509", "-in", name, "-noout", "-fingerprint", "-sha256"])
        return String(output.split(separator: "=", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
