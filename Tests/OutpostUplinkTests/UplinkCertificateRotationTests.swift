import Foundation
import OutpostConfig
import OutpostPlatform
import OutpostSecrets
import OutpostTLS
import OutpostUplink
import Testing
import OutpostTestSupport

/// The uplink's client certificate files are replaced while it is connected: it reconnects (after a
/// jittered wait) and presents the new certificate, which the platform checks against its client CA.
@Suite(.blockingWork)
struct UplinkCertificateRotationTests {
    @Test func renewedClientCertificate_isPresentedAfterAJitteredReconnect() async throws {
        let pki = try TestPKI()
        try pki.makeForeignClient()
        try pki.workspace.encrypt("foreign-client.key", as: .pbes2AES256SHA256, passphrase: TestPKI.passphrase, name: "foreign-client-enc.key")
        try pki.workspace.makeECKey("edge-2-plain.key")
        try pki.workspace.issue(
            key: "edge-2-plain.key", commonName: "edge-2", by: "ca", name: "edge-2.pem", extensions: "extendedKeyUsage=clientAuth\n")
        try pki.workspace.encrypt("edge-2-plain.key", as: .pbes2AES256SHA256, passphrase: TestPKI.passphrase, name: "edge-2.key")
        try FileManager.default.copyItem(atPath: pki.file("client.pem"), toPath: pki.file("live.pem"))
        try FileManager.default.copyItem(atPath: pki.file("client.key"), toPath: pki.file("live.key"))

        var certificates = CertificatesConfig()
        certificates.clientCert = pki.file("live.pem")
        certificates.keyFile = pki.file("live.key")
        certificates.keyPassphrase = ConfigSecret(TestPKI.passphrase)
        certificates.certChain = [pki.file("ca.pem")]
        let tls = try UplinkSettings.makeTLS(
            certificates, resolver: SecretResolver(keyFilePath: pki.file("none.key")), logger: testLogger("test.reload"))
        let reloader = try #require(tls.reloader)
        reloader.maxJitter = .milliseconds(300)
        reloader.pollInterval = .milliseconds(100)

        try await withPlatform(pki) { platform in
            var settings = try UplinkSettings.forTest(pki, port: platform.addresses.alwaysOnPort, host: "localhost")
            settings.tls = tls
            try await withUplink(settings) { uplink in
                try await waitFor(uplink, "bound with edge-1") { $0.phase == .bound }

                // A certificate from a CA the platform does not trust: the reconnect presents it and is refused.
                try swap(pki, certificate: "foreign-client.pem", key: "foreign-client-enc.key")
                let refused = try await waitFor(uplink, "the renewed (foreign) certificate refused") {
                    $0.lastError?.code == .clientCertificateRejected
                }
                #expect(refused.lastError?.message.contains("client certificate") == true)

                // A good renewal: the next attempt connects with it.
                try swap(pki, certificate: "edge-2.pem", key: "edge-2.key")
                let bound = try await waitFor(uplink, "bound again with edge-2", timeout: .seconds(20)) { $0.phase == .bound }
                #expect(bound.attempts >= 3)
                #expect(reloader.currentGeneration == 2)
            }
        }
    }

    /// Replaces live.pem and live.key by rename, as a deployment tool would.
    private func swap(_ pki: TestPKI, certificate: String, key: String) throws {
        for (source, target) in [(key, "live.key"), (certificate, "live.pem")] {
            let temporary = pki.file(".\(target).tmp")
            try? FileManager.default.removeItem(atPath: temporary)
            try FileManager.default.copyItem(atPath: pki.file(source), toPath: temporary)
            guard rename(temporary, pki.file(target)) == 0 else { throw WorkspaceError("rename failed") }
        }
    }
}
