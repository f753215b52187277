import Foundation
import Logging
import OutpostConfig
import OutpostLSR
import OutpostLua
import OutpostSecrets
import OutpostTLS
import Testing
import OutpostTestSupport

/// The script resource's TLS, in process with real handshakes and keys made by the `openssl` CLI:
/// `script_resource_tls_directory` on the callback listener (rotation seen by a new handshake while an
/// established connection keeps working; client certificates required iff ca.pem is there) and the
/// trusted CAs of the EMS connection (`rap_cert_file`, `rap_trusted_directory`) reloaded on change.
@Suite("script resource TLS", .blockingWork)
struct CallbackTLSTests {
    static let noThings = "scripts.log_level = \"INFO\"\n"

    /// Settings for a script resource with no things, the listener on a free port.
    static func settings(_ lua: String, in pki: CallbackPKI) async throws -> LSRSettings {
        let loaded = await LuaScriptResourceEvaluator.load(Array(lua.utf8))
        let config = try #require(loaded.config, "\(loaded.findings)")
        var settings = try LSRSettings(
            config: config, configPath: pki.path("config.lua"), resolver: SecretResolver(keyFilePath: pki.path("secret.key")))
        settings.listener.port = try freePort()
        return settings
    }

    static func listenerLua(_ pki: CallbackPKI) -> String {
        """
        scripts.rap_host, scripts.rap_port, scripts.rap_ssl = "127.0.0.1", 1, false
        scripts.rap_server_authenticate = false
        scripts.script_resource_host = "127.0.0.1"
        scripts.script_resource_ssl = true
        scripts.script_resource_tls_directory = "\(pki.path("tls"))"
        scripts.script_resource_passphrase = "dir-pass"
        scripts.script_resource_authenticate = false

        """
    }

    /// How a request through `client` fails: nil when it got an answer (any status), else the kind.
    static func failureKind(_ client: EMSClient) async -> EMSClientError.Kind? {
        do {
            _ = try await client.hasEdgeThing("Nothing")
            return nil
        } catch {
            if case .status = error.kind { return nil }
            return error.kind
        }
    }

    /// Runs a script resource until the returned task is cancelled; its listener's port.
    static func start(_ settings: LSRSettings) async throws -> (Task<Void, any Error>, Int) {
        var logger = Logger(label: "test.lsr.tls")
        logger.logLevel = .warning
        let resource = ScriptResource(settings: settings, logger: logger)
        let task = Task { try await resource.run() }
        _ = try await resource.address()
        return (task, settings.listener.port)
    }

    @Test func tlsDirectory_rotation_newHandshakeSeesIt_whileAnOpenConnectionKeepsWorking() async throws {
        let pki = try CallbackPKI()
        defer { pki.remove() }
        try pki.makeCA("ca", "Callback CA")
        try pki.issue("v1", commonName: "lsr-v1", by: "ca", server: true)
        try pki.install("v1", into: "tls", passphrase: "dir-pass")
        let settings = try await Self.settings(Self.noThings + Self.listenerLua(pki), in: pki)
        #expect(settings.notes.contains { $0.contains("TLS directory \(pki.path("tls"))") && $0.contains("lsr-v1") })
        let (task, port) = try await Self.start(settings)
        defer { task.cancel() }

        #expect(try pki.presentedCommonName(port: port) == "lsr-v1")
        #expect(try pki.sClient(port: port).contains("No client certificate CA names sent"))
        let open = try SClientSession(port: port, root: pki.root)
        defer { open.stop() }
        open.send("GET /Thingworx/Things/Nothing/Properties HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        _ = try await eventually("an answer on the open connection") { open.responses >= 1 ? true : nil }

        try pki.issue("v2", commonName: "lsr-v2", by: "ca", server: true)
        try pki.install("v2", into: "tls", passphrase: "dir-pass")
        let rotated = try await eventually("the listener to present lsr-v2") { try pki.presentedCommonName(port: port) == "lsr-v2" ? true : nil }
        #expect(rotated)
        // The connection accepted with v1 is still served.
        open.send("GET /Thingworx/Things/Nothing/Properties HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        _ = try await eventually("a second answer on the connection opened before the rotation") { open.responses >= 2 ? true : nil }
        #expect(open.isRunning, "the old connection must stay open")

        // A key that does not match: refused with the reason, v2 still served.
        try pki.issue("v3", commonName: "lsr-v3", by: "ca", server: true)
        try pki.install("v3", into: "tls", passphrase: "dir-pass", keyFrom: "v1")
        let refusal = try await eventually("the mismatched key to be refused") { settings.listener.serverTLS?.lastRejectedReload }
        #expect(refusal.code == .keyMismatch)
        #expect(try pki.presentedCommonName(port: port) == "lsr-v2")
    }

    @Test func clientCertificatesRequired_iffCaPemIsPresent() async throws {
        let pki = try CallbackPKI()
        defer { pki.remove() }
        try pki.makeCA("ca", "Server CA")
        try pki.makeCA("ems-clients", "EMS Clients CA")
        try pki.issue("server", commonName: "lsr-mtls", by: "ca", server: true)
        try pki.install("server", into: "tls", passphrase: "dir-pass")
        try FileManager.default.copyItem(atPath: pki.path("ems-clients.pem"), toPath: pki.path("tls/ca.pem"))
        try pki.issue("ems", commonName: "ems-client", by: "ems-clients", server: false)
        try pki.issue("intruder", commonName: "intruder", by: "ca", server: false)
        let settings = try await Self.settings(Self.noThings + Self.listenerLua(pki), in: pki)
        #expect(settings.notes.contains { $0.contains("client certificates required") })
        let (task, port) = try await Self.start(settings)
        defer { task.cancel() }

        let url = "https://127.0.0.1:\(port)/Thingworx/Things/Nothing/Properties"
        let curl = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", "--cacert", pki.path("ca.pem")]
        #expect(try await LSRWorld.run("/usr/bin/curl", curl + [url]) == "000")
        #expect(try await LSRWorld.run("/usr/bin/curl", curl + ["--cert", pki.path("intruder.pem"), "--key", pki.path("intruder.key"), url]) == "000")
        let signed = try await LSRWorld.run("/usr/bin/curl", curl + ["--cert", pki.path("ems.pem"), "--key", pki.path("ems.key"), url])
        #expect(signed != "000" && !signed.isEmpty, "a client certificate signed by ca.pem is accepted: \(signed)")

        // ca.pem removed while running: no client certificate is asked for any more.
        try FileManager.default.removeItem(atPath: pki.path("tls/ca.pem"))
        let open = try await eventually("the listener to stop asking for client certificates") {
            let code = try await LSRWorld.run("/usr/bin/curl", curl + [url])
            return code != "000" ? code : nil
        }
        #expect(open == signed)
    }

    @Test func rapCertFile_reloaded_newConnectionsTrustTheRenewedCA() async throws {
        let pki = try CallbackPKI()
        defer { pki.remove() }
        try pki.makeCA("old-ca", "Old EMS CA")
        try pki.makeCA("new-ca", "New EMS CA")
        // Stand-in for the EMS: a callback listener with a certificate from the new CA.
        try pki.issue("ems", commonName: "ems-server", by: "new-ca", server: true)
        try pki.install("ems", into: "tls", passphrase: "dir-pass")
        let (task, port) = try await Self.start(try await Self.settings(Self.noThings + Self.listenerLua(pki), in: pki))
        defer { task.cancel() }

        try FileManager.default.copyItem(atPath: pki.path("old-ca.pem"), toPath: pki.path("rap-ca.pem"))
        try FileManager.default.createDirectory(atPath: pki.path("trusted"), withIntermediateDirectories: true)
        let lua = """
            scripts.rap_host, scripts.rap_port, scripts.rap_ssl = "127.0.0.1", \(port), true
            scripts.rap_validate, scripts.rap_deny_selfsigned = true, true
            scripts.rap_cert_file = "\(pki.path("rap-ca.pem"))"
            scripts.rap_trusted_directory = "\(pki.path("trusted"))"
            scripts.rap_server_authenticate = false
            scripts.script_resource_ssl, scripts.script_resource_authenticate = false, false

            """
        let settings = try await Self.settings(lua, in: pki)
        let trust = try #require(settings.ems.trust)
        let client = EMSClient(connection: settings.ems)
        defer { Task { await client.shutdown() } }
        #expect(await Self.failureKind(client) == .tls, "the EMS's CA is not trusted yet")

        // The renewed CA dropped into the trusted directory: picked up, the next connection verifies.
        try FileManager.default.copyItem(atPath: pki.path("new-ca.pem"), toPath: pki.path("trusted/new-ca.pem"))
        #expect(trust.reloadMaterial(force: false, now: Date()).status == .reloaded)
        #expect(await Self.failureKind(client) != .tls, "the renewed CA is trusted by the next connection")

        // A damaged rap_cert_file is refused; the last good set keeps working.
        try "garbage\n".write(toFile: pki.path("rap-ca.pem"), atomically: true, encoding: .utf8)
        let refused = trust.reloadMaterial(force: false, now: Date())
        #expect(refused.status == .rejected && refused.message?.contains("rap_cert_file") == true, "\(refused)")
        #expect(await Self.failureKind(client) != .tls)
    }
}

/// Polls `check` every 100 ms for up to 30 s.
func eventually<T>(_ what: String, _ check: () async throws -> T?) async throws -> T {
    try await LSRWorld.eventually(what, timeout: 30, check)
}

/// A scratch directory with the `openssl` CLI: CAs, issued certificates, TLS directories.
typealias CallbackPKI = OpenSSLPKI

extension OpenSSLPKI {
    init() throws {
        try self.init(prefix: "outpost-lsr-tls", subdirectories: ["tls"])
    }

    func sClient(port: Int) throws -> String {
        try openssl(["s_client", "-connect", "127.0.0.1:\(port)", "-noservername"])
    }

    /// The CN the listener presents to a new handshake.
    func presentedCommonName(port: Int) throws -> String? {
        Self.commonName(inSClientOutput: try sClient(port: port))
    }
}

/// One TLS connection kept open across requests (an `openssl s_client` process fed HTTP/1.1 keep-alive
/// requests), to show that established connections survive a certificate rotation.
final class SClientSession: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()
    private let lock = NSLock()
    private var output = ""

    init(port: Int, root: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["s_client", "-connect", "127.0.0.1:\(port)", "-noservername", "-quiet"]
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = input
        out.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard !data.isEmpty, let self else { return }
            self.lock.withLock { self.output += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
    }

    func send(_ text: String) {
        input.fileHandleForWriting.write(Data(text.utf8))
    }

    /// HTTP responses received so far on this connection.
    var responses: Int { lock.withLock { output.components(separatedBy: "HTTP/1.1 ").count - 1 } }

    var isRunning: Bool { process.isRunning }

    /// SIGKILL, not SIGTERM: started from a Swift concurrency thread, `s_client` inherits a signal
    /// mask with SIGTERM blocked and would only exit when the server's idle timeout closed its
    /// connection, a minute later.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
