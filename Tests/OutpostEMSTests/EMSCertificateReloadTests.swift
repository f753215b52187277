import Foundation
import OutpostTestSupport
import Testing

/// Certificate lifecycle of running processes, with keys and certificates from the `openssl` CLI:
/// `strict_permissions` refusing to start, the LocalEms `ReloadCertificates` service and
/// `outpost cert reload --url` answering per certificate, the edge trust directory reloaded, and
/// the platform reloading on SIGHUP with expiry warnings at start.
@Suite("certificate reload and strict permissions", .blockingWork)
struct EMSCertificateReloadTests {
    /// A config for `outpost ems` with the TLS directory `tls` and `extra` members at the top level.
    static func writeConfig(_ pki: TestPKI, port: Int, extra: String = "", mode: mode_t = 0o600) throws {
        try #"""
            { "ws_servers": [{ "host": "127.0.0.1", "port": 1 }], "appKey": "unused-app-key",
              "ws_connection": { "encryption": "none", "connect_retry_interval": 60000 },
              "http_server": { "host": "127.0.0.1", "port": \#(port), "ports_to_try": 20, "ssl": true,
                               "tls_directory": "\#(pki.path("tls"))", "passphrase": "dir-pass",
                               "authenticate": true, "user": "emsuser", "password": "reload-pass" }\#(extra) }
            """#.write(toFile: pki.path("config.json"), atomically: true, encoding: .utf8)
        chmod(pki.path("config.json"), mode)
    }

    static func startEMS(_ pki: TestPKI) throws -> ChildProcess {
        try ChildProcess(
            ["ems", "--config", pki.path("config.json"), "--state-dir", pki.path("state")],
            environment: ["OUTPOST_SECRET_KEY_FILE": pki.path("secret.key")])
    }

    @Test func strictPermissions_refusesAReadableConfigOrKey_namingFileModeAndFix_defaultOnlyWarns() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        try pki.makeCA("ca", "Strict CA")
        try FileManager.default.createDirectory(atPath: pki.path("tls"), withIntermediateDirectories: true)
        try pki.issue("server", commonName: "strict-server", by: "ca", server: true)
        try pki.install("server", into: "tls", passphrase: "dir-pass")

        // Default: the readable config is warned about, the EMS starts.
        try Self.writeConfig(pki, port: try freePort(), mode: 0o644)
        let lenient = try Self.startEMS(pki)
        #expect(await lenient.line(startingWith: "listening ") != nil, "ems: \(lenient.allOutput)")
        #expect(lenient.stderr.contains("config file \(pki.path("config.json")) is accessible by group or others (mode 644)"))
        lenient.terminate()

        // strict_permissions: the same config refuses to start, naming the file, its mode and the fix.
        try Self.writeConfig(pki, port: try freePort(), extra: #", "strict_permissions": true"#, mode: 0o644)
        let strictConfig = try Self.startEMS(pki)
        defer { strictConfig.terminate() }
        let status = await strictConfig.exitStatus(within: 60)
        #expect(status != nil && status != 0, "ems: \(strictConfig.allOutput)")
        #expect(strictConfig.stderr.contains("refusing to start: strict_permissions is true"))
        #expect(strictConfig.stderr.contains("config file \(pki.path("config.json")) is accessible by group or others (mode 644); restrict it with chmod 600 \(pki.path("config.json"))"))
        #expect(!strictConfig.allOutput.contains("listening "))

        // Config fixed, key readable: refused naming the key file.
        try Self.writeConfig(pki, port: try freePort(), extra: #", "strict_permissions": true"#, mode: 0o600)
        chmod(pki.path("tls/key.pem"), 0o640)
        let strictKey = try Self.startEMS(pki)
        defer { strictKey.terminate() }
        #expect(await strictKey.exitStatus(within: 60).map { $0 != 0 } == true, "ems: \(strictKey.allOutput)")
        #expect(strictKey.stderr.contains("private key file \(pki.path("tls/key.pem")) is accessible by group or others (mode 640); restrict it with chmod 600"))

        // Both fixed: starts.
        chmod(pki.path("tls/key.pem"), 0o600)
        let fixed = try Self.startEMS(pki)
        defer { fixed.terminate() }
        #expect(await fixed.line(startingWith: "listening ") != nil, "ems: \(fixed.allOutput)")
    }

    @Test func reloadCertificatesService_andCertReloadURL_reportEachCertificate_andTheEdgeTrustDirectory() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        try pki.makeCA("ca", "Reload CA")
        try pki.makeCA("edge-a", "Edge CA A")
        try pki.makeCA("edge-b", "Edge CA B")
        try FileManager.default.createDirectory(atPath: pki.path("tls"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: pki.path("trusted"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: pki.path("edge-a.pem"), toPath: pki.path("trusted/edge-a.pem"))
        try pki.issue("v1", commonName: "reload-v1", by: "ca", server: true)
        try pki.install("v1", into: "tls", passphrase: "dir-pass")
        try Self.writeConfig(pki, port: try freePort(), extra: #", "certificates": { "trusted_directory": "\#(pki.path("trusted"))" }"#)
        let ems = try Self.startEMS(pki)
        defer { ems.terminate() }
        let listening = try #require(await ems.line(startingWith: "listening "), "ems: \(ems.allOutput)")
        let base = String(listening.dropFirst("listening ".count))

        let service = base + "/Thingworx/Things/LocalEms/Services/ReloadCertificates"
        let curl = ["-s", "--max-time", "20", "--cacert", pki.path("ca.pem"), "-u", "emsuser:reload-pass", "-H", "Content-Type: application/json", "-X", "POST", "--data-binary", "{}"]
        let first = try await EMSHarness.run("/usr/bin/curl", curl + [service])
        #expect(first.contains("\"http_server\"") && first.contains("http_server certificate: reload-v1"), "\(first)")
        #expect(first.contains("\"reloaded\"") && first.contains("daysToExpiry"), "\(first)")
        #expect(first.contains("Edge CA A") && !first.contains("Edge CA B"), "\(first)")
        // Wrong credentials: refused like any other service.
        let denied = try await EMSHarness.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", pki.path("ca.pem"), "-u", "emsuser:wrong", "-X", "POST", "--data-binary", "{}", service])
        #expect(denied == "401")

        // New listener certificate and a second edge CA: the CLI reports both at once.
        try pki.issue("v2", commonName: "reload-v2", by: "ca", server: true)
        try pki.install("v2", into: "tls", passphrase: "dir-pass")
        try FileManager.default.copyItem(atPath: pki.path("edge-b.pem"), toPath: pki.path("trusted/edge-b.pem"))
        let environment = ["OUTPOST_SECRET_KEY_FILE": pki.path("secret.key")]
        let good = try await Self.runWithStatus(
            ChildProcess.outpostBinary, ["cert", "reload", "--url", base, "--config", pki.path("config.json"), "--cacert", pki.path("ca.pem")], environment: environment)
        #expect(good.status == 0, "\(good.output)")
        #expect(good.output.contains("RELOADED  http_server  http_server certificate: reload-v2"), "\(good.output)")
        #expect(good.output.contains("Edge CA B") && good.output.contains("days left"), "\(good.output)")

        // A key that does not match: REJECTED with the reason, exit status 1, v2 still in use.
        try pki.issue("v3", commonName: "reload-v3", by: "ca", server: true)
        try pki.install("v3", into: "tls", passphrase: "dir-pass", keyFrom: "v1")
        let bad = try await Self.runWithStatus(
            ChildProcess.outpostBinary, ["cert", "reload", "--url", base, "--config", pki.path("config.json"), "--cacert", pki.path("ca.pem")], environment: environment)
        #expect(bad.status == 1, "\(bad.output)")
        #expect(bad.output.contains("REJECTED  http_server  http_server certificate: reload-v2"), "\(bad.output)")
        #expect(bad.output.contains("does not belong"), "\(bad.output)")
    }

    @Test func platform_reloadsOnSIGHUP_andWarnsOfExpiryAtStart() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        try pki.makeCA("ca", "Platform CA")
        try FileManager.default.createDirectory(atPath: pki.path("tls"), withIntermediateDirectories: true)
        try pki.issue("short", commonName: "platform-short", by: "ca", server: true, days: 10)
        try pki.install("short", into: "tls", passphrase: "dir-pass")
        try #"""
            { "listen": { "host": "127.0.0.1", "port": 0, "resource": "/Thingworx/WS" },
              "tls": { "directory": "\#(pki.path("tls"))", "passphrase": "dir-pass" },
              "app_keys": ["platform-app-key"],
              "admin": { "host": "127.0.0.1", "port": 0, "token": "platform-admin-token" },
              "store": { "path": "\#(pki.path("things.db"))" } }
            """#.write(toFile: pki.path("platform.json"), atomically: true, encoding: .utf8)
        let platform = try ChildProcess(
            ["platform", "--config", pki.path("platform.json")], environment: ["OUTPOST_SECRET_KEY_FILE": pki.path("secret.key")])
        defer { platform.terminate() }
        #expect(await platform.line(startingWith: "listening") != nil, "platform: \(platform.allOutput)")
        let warning = await platform.line(timeout: 30) { $0.contains("platform-short") && $0.contains("expires in") }
        #expect(warning?.contains("expires in 9 days") == true || warning?.contains("expires in 10 days") == true, "platform: \(platform.allOutput)")

        kill(platform.process.processIdentifier, SIGHUP)
        #expect(await platform.line(timeout: 30) { $0.contains("SIGHUP: re-reading TLS material") } != nil, "platform: \(platform.allOutput)")
        let reloaded = await platform.line(timeout: 30) { $0.contains("new TLS material in use") && $0.contains("platform-short") }
        #expect(reloaded != nil, "platform: \(platform.allOutput)")
        #expect(platform.process.isRunning)
    }

    /// Runs a program to completion with extra environment; its status and stdout + stderr.
    static func runWithStatus(_ executable: String, _ arguments: [String], environment: [String: String]) async throws -> (status: Int32, output: String) {
        try await TestProcess.run(executable, arguments, environment: environment, includeStandardError: true)
    }
}
