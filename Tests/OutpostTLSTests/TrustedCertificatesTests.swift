import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import OutpostTLS
import Testing
import OutpostTestSupport

/// Trusted CA sets (`rap_cert_file`, `cert_chain`, a trusted-certificates directory) reloaded when
/// their files change, with real handshakes against servers whose certificates come from `openssl`.
@Suite(.blockingWork)
struct TrustedCertificatesTests {
    /// Connects to `server` verifying against `trust`'s current roots; true when the handshake succeeds.
    func verifiedHandshake(to server: EchoTLSServer, trust: TrustedCertificates) async -> Bool {
        do {
            let context = try NIOSSLContext(
                configuration: .outpostClient(trustRoots: trust.roots, verification: .noHostnameVerification))
            let channel = try await ClientBootstrap(group: server.group).connect(host: "127.0.0.1", port: server.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: nil))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
            return try await channel.executeThenClose { inbound, outbound in
                var iterator = inbound.makeAsyncIterator()
                return try await roundTrip("ping", outbound, &iterator) == "ping"
            }
        } catch {
            return false
        }
    }

    @Test func certFileReplaced_newConnectionsTrustTheNewCA_badReplacementKeepsTheLastGood() async throws {
        let workspace = try Workspace()
        try workspace.makeCA("old-ca", commonName: "Old CA")
        try workspace.makeCA("new-ca", commonName: "New CA")
        let directory = try workspace.makeTLSDirectory("tls", commonName: "server.example", ca: "new-ca")
        let server = try await EchoTLSServer(try ServerTLS(source: ServerTLSSource(listener: "test", directory: directory)))
        defer { Task { try? await server.stop() } }
        try workspace.replace(workspace.file("trusted.pem"), with: workspace.file("old-ca.pem"))

        let trust = try TrustedCertificates(name: "rap_cert_file", files: [workspace.file("trusted.pem")])
        #expect(await !verifiedHandshake(to: server, trust: trust), "the server's CA is not trusted yet")
        #expect(trust.reloadMaterial(force: false, now: Date()).status == .unchanged)

        try workspace.replace(workspace.file("trusted.pem"), with: workspace.file("new-ca.pem"))
        let reloaded = trust.reloadMaterial(force: false, now: Date())
        #expect(reloaded.status == .reloaded, "\(reloaded)")
        #expect(reloaded.message?.contains("New CA") == true)
        #expect(await verifiedHandshake(to: server, trust: trust))

        // Garbage: refused with the reason; the last good set stays and still verifies.
        try workspace.write("garbage.pem", "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n")
        try workspace.replace(workspace.file("trusted.pem"), with: workspace.file("garbage.pem"))
        let rejected = trust.reloadMaterial(force: false, now: Date())
        #expect(rejected.status == .rejected)
        #expect(rejected.message?.contains("rap_cert_file") == true && rejected.message?.contains("previous ones stay in use") == true, "\(rejected)")
        #expect(trust.lastRejectedReload?.code == .damaged)
        #expect(trust.roots.certificates.map(\.summary.displayName) == ["New CA"])
        #expect(await verifiedHandshake(to: server, trust: trust))

        // A removed file is refused the same way.
        try FileManager.default.removeItem(atPath: workspace.file("trusted.pem"))
        #expect(trust.reloadMaterial(force: false, now: Date()).status == .rejected)
        #expect(trust.lastRejectedReload?.code == .fileMissing)
        #expect(await verifiedHandshake(to: server, trust: trust))
    }

    @Test func trustedDirectory_everyPemIsTrusted_andAddingOneIsPickedUp() async throws {
        let workspace = try Workspace()
        try workspace.makeCA("a", commonName: "CA A")
        try workspace.makeCA("b", commonName: "CA B")
        let directory = try workspace.makeTLSDirectory("tls", commonName: "b-server.example", ca: "b")
        let server = try await EchoTLSServer(try ServerTLS(source: ServerTLSSource(listener: "test", directory: directory)))
        defer { Task { try? await server.stop() } }
        try FileManager.default.createDirectory(atPath: workspace.file("trusted"), withIntermediateDirectories: true)
        try workspace.replace(workspace.file("trusted/a.pem"), with: workspace.file("a.pem"))
        try workspace.write("trusted/notes.txt", "not a certificate, and not *.pem: ignored\n")

        let trust = try TrustedCertificates(name: "certificates.cert_chain", files: [], directory: workspace.file("trusted"))
        #expect(trust.roots.certificates.map(\.summary.displayName) == ["CA A"])
        #expect(await !verifiedHandshake(to: server, trust: trust))

        try workspace.replace(workspace.file("trusted/b.pem"), with: workspace.file("b.pem"))
        #expect(trust.reloadMaterial(force: false, now: Date()).status == .reloaded)
        #expect(Set(trust.roots.certificates.map(\.summary.displayName)) == ["CA A", "CA B"])
        #expect(trust.certificatesInUse().map(\.path).contains(workspace.file("trusted/b.pem")))
        #expect(await verifiedHandshake(to: server, trust: trust))

        // A broken *.pem dropped in is refused; both CAs stay trusted.
        try workspace.write("trusted/broken.pem", "junk\n")
        #expect(trust.reloadMaterial(force: false, now: Date()).status == .rejected)
        #expect(trust.roots.certificates.count == 2)
        #expect(await verifiedHandshake(to: server, trust: trust))
    }

    @Test func missingOrEmptyDirectory_failsAtStartNamingIt() throws {
        let workspace = try Workspace()
        #expect(throws: TLSMaterialError.self) {
            _ = try TrustedCertificates(name: "rap_cert_file", files: [], directory: workspace.file("nowhere"))
        }
        try FileManager.default.createDirectory(atPath: workspace.file("empty"), withIntermediateDirectories: true)
        do {
            _ = try TrustedCertificates(name: "rap_cert_file", files: [], directory: workspace.file("empty"))
            Issue.record("an empty directory must be refused")
        } catch {
            #expect(error.message.contains("holds no *.pem"))
            #expect(error.message.contains(workspace.file("empty")))
        }
    }
}

/// The doctor's chain check: a leaf signed directly by a root is complete, an unsent intermediate is
/// missing, an issuer found nowhere is reported as such.
@Suite(.blockingWork)
struct ChainCompletenessTests {
    @Test func leafSignedByRoot_isComplete_leafSignedByIntermediate_isMissingIt() throws {
        let workspace = try Workspace()
        try workspace.makeCA("root", commonName: "Chain Root")
        try workspace.makeECKey("intermediate.key")
        try workspace.issue(
            key: "intermediate.key", commonName: "Chain Intermediate", by: "root", name: "intermediate.pem",
            extensions: "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n")
        try workspace.makeECKey("leaf.key")
        try workspace.issue(key: "leaf.key", commonName: "by-root.example", by: "root", name: "by-root.pem")
        try workspace.issue(key: "leaf.key", commonName: "by-intermediate.example", by: "intermediate", name: "by-intermediate.pem")
        try workspace.makeSelfSigned(key: "leaf.key", commonName: "self.example", name: "self.pem")
        try workspace.write("bundle.pem", try workspace.read("intermediate.pem") + workspace.read("root.pem"))
        func identity(_ certificate: String, chain: [String] = []) throws -> TLSIdentity {
            try TLSIdentity.load(certificateFile: workspace.file(certificate), keyFile: workspace.file("leaf.key"), chainFiles: chain.map(workspace.file))
        }
        let roots = ChainCompleteness.candidates(from: [workspace.file("root.pem")])
        let bundle = ChainCompleteness.candidates(from: [workspace.file("bundle.pem")])

        guard case .signedByTrustedRoot(let root, let file) = ChainCompleteness.evaluate(try identity("by-root.pem"), candidates: roots) else {
            Issue.record("a leaf signed by a trusted root is complete")
            return
        }
        #expect(root.displayName == "Chain Root" && file == workspace.file("root.pem"))
        guard case .intermediateMissing(let intermediate, _) = ChainCompleteness.evaluate(try identity("by-intermediate.pem"), candidates: bundle) else {
            Issue.record("an unsent intermediate is missing")
            return
        }
        #expect(intermediate.displayName == "Chain Intermediate")
        #expect(ChainCompleteness.evaluate(try identity("by-intermediate.pem"), candidates: roots) == .issuerNotFound(issuer: "CN=Chain Intermediate"))
        #expect(ChainCompleteness.evaluate(try identity("by-intermediate.pem", chain: ["intermediate.pem"]), candidates: roots).isSignedByTrustedRoot)
        #expect(ChainCompleteness.evaluate(try identity("self.pem"), candidates: roots) == .selfSigned)
        // Same issuer name, other key: the signature decides, not the name.
        try workspace.makeCA("impostor", commonName: "Chain Root")
        #expect(ChainCompleteness.evaluate(try identity("by-root.pem"), candidates: ChainCompleteness.candidates(from: [workspace.file("impostor.pem")])) == .issuerNotFound(issuer: "CN=Chain Root"))
    }
}

extension ChainCompleteness {
    var isSignedByTrustedRoot: Bool { if case .signedByTrustedRoot = self { true } else { false } }
}

/// Forced reload of everything with one answer line per certificate (the LocalEms service's content).
@Suite(.blockingWork)
struct TLSMaintenanceLoopTests {
    @Test func reloadNow_answersEachCertificateWithItsOutcomeAndDaysLeft() throws {
        let workspace = try Workspace()
        try workspace.makeCA("ca", commonName: "Loop CA")
        let directory = try workspace.makeTLSDirectory("tls", commonName: "loop-v1.example", ca: "ca")
        let tls = try ServerTLS(source: ServerTLSSource(listener: "http_server", directory: directory))
        let trust = try TrustedCertificates(name: "certificates.cert_chain", files: [workspace.file("ca.pem")])
        let loop = TLSMaintenanceLoop([tls, trust])

        try workspace.writeIdentity(into: "tls", commonName: "loop-v2.example", ca: "ca")
        let results = loop.reloadNow()
        let listener = results.filter { $0.material == "http_server" }
        #expect(listener.first?.status == .reloaded)
        #expect(listener.first?.certificate?.summary.displayName == "loop-v2.example")
        #expect(listener.first.flatMap { $0.expiry?.daysLeft }.map { (360...366).contains($0) } == true)
        #expect(results.first { $0.material == "certificates.cert_chain" }?.certificate?.summary.displayName == "Loop CA")
        #expect(loop.inventory.status().count == results.compactMap(\.certificate).count)

        // A mismatched key: refused, the v2 certificate is still the one reported in use.
        try workspace.makeECKey("stray.key")
        try workspace.replace(workspace.file("tls/key.pem"), with: workspace.file("stray.key"))
        let refused = loop.reloadNow().first { $0.material == "http_server" }
        #expect(refused?.status == .rejected)
        #expect(refused?.message.contains("does not belong") == true, "\(String(describing: refused?.message))")
        #expect(refused?.certificate?.summary.displayName == "loop-v2.example")
    }
}
