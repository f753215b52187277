import Foundation
import NIOCore
import NIOSSL
import OutpostSecrets
import OutpostTLS
import Testing
import OutpostTestSupport

/// Listener TLS: the TLS directory convention (mTLS iff ca.pem), SNI selection with parent-domain
/// fallback, and hitless reload with bad material rejected — all with real handshakes by
/// `openssl s_client` and NIO clients on 127.0.0.1.
@Suite(.blockingWork)
struct ServerTLSTests {
    @Test func tlsDirectoryWithoutCA_servesItsCertificate_andAsksForNoClientCertificate() async throws {
        let workspace = try Workspace()
        let directory = try workspace.makeTLSDirectory("tls", commonName: "dir.example", passphrase: "dir pass")
        let tls = try ServerTLS(
            source: ServerTLSSource(listener: "test", directory: directory, passphrase: .value(SecretValue("dir pass"))))
        let server = try await EchoTLSServer(tls)
        defer { Task { try? await server.stop() } }

        let result = try workspace.sClient(port: server.port, serverName: nil)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("CN = dir.example"))
        #expect(result.output.contains("No client certificate CA names sent"))
        #expect(tls.material?.clientCA == nil)
    }

    @Test func tlsDirectoryWithCA_requiresAClientCertificateSignedByIt() async throws {
        let workspace = try Workspace()
        try workspace.makeCA("devices", commonName: "Devices CA")
        let directory = try workspace.makeTLSDirectory("tls", commonName: "mtls.example")
        try workspace.replace(workspace.file("tls/ca.pem"), with: workspace.file("devices.pem"))
        try workspace.makeECKey("good.key")
        try workspace.issue(key: "good.key", commonName: "device-1", by: "devices", name: "good.pem", extensions: "extendedKeyUsage=clientAuth\n")
        try workspace.makeECKey("foreign.key")
        try workspace.makeSelfSigned(key: "foreign.key", commonName: "intruder", name: "foreign.pem")

        let tls = try ServerTLS(source: ServerTLSSource(listener: "test", directory: directory))
        let server = try await EchoTLSServer(tls)
        defer { Task { try? await server.stop() } }

        // TLS 1.2 so that a refused client certificate fails the handshake itself (s_client exits 1).
        let none = try workspace.sClient(port: server.port, serverName: nil, extra: ["-tls1_2"])
        #expect(none.status != 0, "no client certificate must be refused: \(none.output)")
        let foreign = try workspace.sClient(
            port: server.port, serverName: nil, extra: ["-tls1_2", "-cert", "foreign.pem", "-key", "foreign.key"])
        #expect(foreign.status != 0, "a certificate from another CA must be refused: \(foreign.output)")
        let good = try workspace.sClient(
            port: server.port, serverName: nil, extra: ["-tls1_2", "-cert", "good.pem", "-key", "good.key"])
        #expect(good.status == 0, "\(good.output)")
        #expect(good.output.contains("Acceptable client certificate CA names"))
        #expect(good.output.contains("Devices CA"))
    }

    @Test func sni_picksTheNameThenTheNearestParentThenTheDefault() async throws {
        let workspace = try Workspace()
        let directory = try workspace.makeTLSDirectory("tls", commonName: "default.example")
        try workspace.makeTLSDirectory("tls/b.example", commonName: "b.example")
        try workspace.makeTLSDirectory("tls/c.b.example", commonName: "c.b.example")
        try workspace.makeTLSDirectory("tls/Other.Test", commonName: "other.test")
        let tls = try ServerTLS(source: ServerTLSSource(listener: "test", directory: directory))
        let server = try await EchoTLSServer(tls)
        defer { Task { try? await server.stop() } }

        let cases: [(String?, String)] = [
            ("b.example", "b.example"),
            ("a.b.example", "b.example"),
            ("x.y.b.example", "b.example"),
            ("c.b.example", "c.b.example"),
            ("d.c.b.example", "c.b.example"),
            ("OTHER.test", "other.test"),
            ("unknown.example", "default.example"),
            ("example", "default.example"),
            (nil, "default.example"),
        ]
        for (name, expected) in cases {
            #expect(try workspace.presentedCommonName(port: server.port, serverName: name) == expected, "SNI \(name ?? "none")")
        }
    }

    @Test func directoryWithoutCertificate_fallsBackToTheInstallDefault() async throws {
        let workspace = try Workspace()
        try FileManager.default.createDirectory(atPath: workspace.file("tls"), withIntermediateDirectories: true)
        try workspace.makeTLSDirectory("tls/named.example", commonName: "named.example")
        try workspace.makeTLSDirectory("install", commonName: "install.default")
        let installDirectory = TLSDirectory(workspace.file("install"))
        let tls = try ServerTLS(
            source: ServerTLSSource(
                listener: "test", directory: workspace.file("tls"),
                installDefault: { try installDirectory.loadIdentity(passphrase: .none) }))
        let server = try await EchoTLSServer(tls)
        defer { Task { try? await server.stop() } }

        #expect(try workspace.presentedCommonName(port: server.port, serverName: nil) == "install.default")
        #expect(try workspace.presentedCommonName(port: server.port, serverName: "named.example") == "named.example")
        #expect(tls.material?.origin == "this install's generated certificate")
    }

    @Test func mergedPEMInTheDirectory_keyInsideCertPem_isAccepted() async throws {
        let workspace = try Workspace()
        try workspace.makeTLSDirectory("source", commonName: "merged.example", passphrase: "merged pass")
        try FileManager.default.createDirectory(atPath: workspace.file("tls"), withIntermediateDirectories: true)
        let merged =
            "Bag Attributes\n    friendlyName: merged\nsubject=CN = merged.example\n" + (try workspace.read("source/cert.pem"))
            + "Key Attributes: <No Attributes>\n" + (try workspace.read("source/key.pem"))
        try workspace.write("tls/cert.pem", merged)
        let tls = try ServerTLS(
            source: ServerTLSSource(listener: "test", directory: workspace.file("tls"), passphrase: .value(SecretValue("merged pass"))))
        let server = try await EchoTLSServer(tls)
        defer { Task { try? await server.stop() } }
        #expect(try workspace.presentedCommonName(port: server.port, serverName: nil) == "merged.example")
        #expect(tls.material?.defaultIdentity.keyPath == workspace.file("tls/cert.pem"))
    }

    @Test func rotation_newHandshakesSeeTheNewCertificate_whileAnEstablishedConnectionKeepsWorking() async throws {
        let workspace = try Workspace()
        try workspace.makeCA("ca", commonName: "Rotation CA")
        let directory = try workspace.makeTLSDirectory("tls", commonName: "v1.example", ca: "ca", passphrase: "pass")
        let tls = try ServerTLS(
            source: ServerTLSSource(listener: "test", directory: directory, passphrase: .value(SecretValue("pass"))))
        let server = try await EchoTLSServer(tls)
        defer { Task { try? await server.stop() } }
        let roots = try TrustRoots.load([workspace.file("ca.pem")])
        let before = try #require(tls.material?.defaultIdentity.summary.serialNumber)

        let client = try await server.connect(trusting: roots)
        try await client.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            #expect(try await roundTrip("before", outbound, &iterator) == "before")
            #expect(tls.reload().isUnchanged)

            try workspace.writeIdentity(into: "tls", commonName: "v2.example", ca: "ca", passphrase: "pass")
            let outcome = tls.reload()
            #expect(outcome.isReloaded, "\(outcome)")
            #expect(try workspace.presentedCommonName(port: server.port, serverName: nil) == "v2.example")
            #expect(tls.material?.defaultIdentity.summary.serialNumber != before)

            // The connection accepted with v1 is still served.
            #expect(try await roundTrip("after rotation", outbound, &iterator) == "after rotation")
        }
    }

    @Test func badReplacement_isRejectedWithItsReason_andTheOldCertificateStaysInUse() async throws {
        let workspace = try Workspace()
        let directory = try workspace.makeTLSDirectory("tls", commonName: "good.example", passphrase: "pass")
        let tls = try ServerTLS(
            source: ServerTLSSource(listener: "test", directory: directory, passphrase: .value(SecretValue("pass"))))
        let server = try await EchoTLSServer(tls)
        defer { Task { try? await server.stop() } }

        // A key that belongs to another certificate.
        try workspace.makeECKey("stranger.key")
        try workspace.encrypt("stranger.key", as: .pbes2AES256SHA256, passphrase: "pass", name: "stranger-enc.key")
        try workspace.replace(workspace.file("tls/key.pem"), with: workspace.file("stranger-enc.key"))
        #expect(tls.reload().rejection?.code == .keyMismatch)
        #expect(tls.lastRejectedReload?.message.contains("does not belong") == true)
        #expect(try workspace.presentedCommonName(port: server.port, serverName: nil) == "good.example")

        // Unchanged bad files are not re-read on every poll.
        #expect(tls.reload().isUnchanged)

        // A pair encrypted under another passphrase.
        try workspace.writeIdentity(into: "tls", commonName: "other-pass.example", passphrase: "not the configured one")
        #expect(tls.reload().rejection?.code == .wrongPassphrase)

        // An expired certificate.
        try workspace.makeECKey("old.key")
        try workspace.makeSelfSigned(key: "old.key", commonName: "old.example", name: "old.pem", start: "20200101000000Z", end: "20210101000000Z")
        try workspace.encrypt("old.key", as: .pbes2AES256SHA256, passphrase: "pass", name: "old-enc.key")
        try workspace.replace(workspace.file("tls/key.pem"), with: workspace.file("old-enc.key"))
        try workspace.replace(workspace.file("tls/cert.pem"), with: workspace.file("old.pem"))
        #expect(tls.reload().rejection?.code == .certificateExpired)

        // Garbage.
        try workspace.write("tls/cert.pem", "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n")
        #expect(tls.reload().rejection?.code == .damaged)
        #expect(try workspace.presentedCommonName(port: server.port, serverName: nil) == "good.example")

        // Good material again: accepted, and the rejection is cleared.
        try workspace.writeIdentity(into: "tls", commonName: "fixed.example", passphrase: "pass")
        #expect(tls.reload().isReloaded)
        #expect(tls.lastRejectedReload == nil)
        #expect(try workspace.presentedCommonName(port: server.port, serverName: nil) == "fixed.example")
    }

    @Test func watch_reloadsWhenTheFilesChange() async throws {
        let workspace = try Workspace()
        let directory = try workspace.makeTLSDirectory("tls", commonName: "watch-v1.example")
        let tls = try ServerTLS(source: ServerTLSSource(listener: "test", directory: directory))
        let reports = ReportLog()
        let watcher = Task { await tls.watch(every: .milliseconds(50)) { reports.append($0) } }
        defer { watcher.cancel() }

        try workspace.writeIdentity(into: "tls", commonName: "watch-v2.example")
        // Generous: when many suites run at once, synchronous openssl runs can hold the two pool threads.
        let deadline = Date().addingTimeInterval(45)
        while tls.material?.defaultIdentity.summary.commonName != "watch-v2.example", Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(tls.material?.defaultIdentity.summary.commonName == "watch-v2.example")
        #expect(reports.count >= 1)
    }

    @Test func fixedContextKeepsPresentingTheCurrentCertificate_throughTheSNICallback() async throws {
        let workspace = try Workspace()
        let directory = try workspace.makeTLSDirectory("tls", commonName: "cb-v1.example")
        let tls = try ServerTLS(source: ServerTLSSource(listener: "test", directory: directory))
        // A consumer that captured one context at start-up (as Hummingbird's TLSChannel does).
        let fixed = ServerTLS(fixed: tls.context)
        let server = try await EchoTLSServer(fixed)
        defer { Task { try? await server.stop() } }
        try workspace.writeIdentity(into: "tls", commonName: "cb-v2.example")
        #expect(tls.reload().isReloaded)
        #expect(try workspace.presentedCommonName(port: server.port, serverName: nil) == "cb-v2.example")
    }
}

extension ServerTLS.Reload {
    var isUnchanged: Bool { if case .unchanged = self { true } else { false } }
    var isReloaded: Bool { if case .reloaded = self { true } else { false } }
    var rejection: TLSMaterialError? { if case .rejected(let error) = self { error } else { nil } }
}

final class ReportLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [ServerTLS.Reload] = []
    func append(_ item: ServerTLS.Reload) { lock.withLock { items.append(item) } }
    var count: Int { lock.withLock { items.count } }
}

/// Expiry levels at the 30/14/7-day thresholds and once expired, from real certificates.
@Suite(.blockingWork)
struct CertificateExpiryTests {
    @Test func levels_followTheThresholds() throws {
        let workspace = try Workspace()
        try workspace.makeECKey("k.pem")
        try workspace.makeSelfSigned(key: "k.pem", commonName: "short", name: "c.pem", days: 40)
        let summary = try #require(try PEMCertificate.load(workspace.file("c.pem")).first).summary
        let inUse = CertificateInUse(role: "test certificate", path: workspace.file("c.pem"), summary: summary)
        func level(daysBeforeExpiry days: Double) -> CertificateExpiry.Level {
            inUse.expiry(at: summary.notAfter.addingTimeInterval(-days * 86_400)).level
        }
        #expect(level(daysBeforeExpiry: 35) == .ok)
        #expect(level(daysBeforeExpiry: 30.5) == .within30Days)
        #expect(level(daysBeforeExpiry: 14.5) == .within14Days)
        #expect(level(daysBeforeExpiry: 7.5) == .within7Days)
        #expect(level(daysBeforeExpiry: 0.5) == .within7Days)
        #expect(level(daysBeforeExpiry: -1) == .expired)
        let expired = inUse.expiry(at: summary.notAfter.addingTimeInterval(86_400 * 2))
        #expect(expired.daysLeft == -2)
        #expect(CertificateExpiry.message(for: inUse, expired).contains("has expired"))
        #expect(CertificateExpiry.message(for: inUse, inUse.expiry(at: summary.notAfter.addingTimeInterval(-10 * 86_400 - 60))).contains("expires in 10 days"))

        let inventory = TLSInventory()
        inventory.register { [inUse] }
        #expect(inventory.status().map(\.expiry.level) == [.ok])
        #expect(inventory.findings().isEmpty)
        #expect(inventory.findings(at: summary.notAfter.addingTimeInterval(-5 * 86_400)).count == 1)
    }
}
