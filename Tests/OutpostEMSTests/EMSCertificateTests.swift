import Foundation
import Testing
import OutpostTestSupport

/// `outpost ems` with `http_server.tls_directory`, as a process: client certificates required
/// because ca.pem is there, the certificate rotated by replacing files while it runs, and a broken
/// replacement refused with the old certificate still served. Keys and certificates come from the
/// `openssl` CLI.
@Suite("outpost ems certificate lifecycle", .blockingWork)
struct EMSCertificateTests {
    @Test func tlsDirectory_mTLS_rotation_andRejectedReplacement() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        try pki.makeCA("server-ca", "Server CA")
        try pki.makeCA("devices", "Devices CA")
        try FileManager.default.createDirectory(atPath: pki.path("tls"), withIntermediateDirectories: true)
        try pki.issue("v1", commonName: "ems-v1", by: "server-ca", server: true)
        try pki.install("v1", into: "tls", passphrase: "dir-pass")
        try FileManager.default.copyItem(atPath: pki.path("devices.pem"), toPath: pki.path("tls/ca.pem"))
        try pki.issue("device", commonName: "device-1", by: "devices", server: false)
        try pki.issue("intruder", commonName: "intruder", by: "server-ca", server: false)

        let port = try freePort()
        try #"""
            { "ws_servers": [{ "host": "127.0.0.1", "port": 1 }], "appKey": "unused-app-key",
              "ws_connection": { "encryption": "none", "connect_retry_interval": 60000 },
              "http_server": { "host": "127.0.0.1", "port": \#(port), "ports_to_try": 20, "ssl": true,
                               "tls_directory": "\#(pki.path("tls"))", "passphrase": "dir-pass",
                               "authenticate": true, "user": "emsuser", "password": "cert-pass" } }
            """#.write(toFile: pki.path("config.json"), atomically: true, encoding: .utf8)
        chmod(pki.path("config.json"), 0o644)
        let ems = try ChildProcess(
            ["ems", "--config", pki.path("config.json"), "--state-dir", pki.path("state")],
            environment: ["OUTPOST_SECRET_KEY_FILE": pki.path("secret.key")])
        defer { ems.terminate() }
        let listening = try #require(await ems.line(startingWith: "listening "), "ems: \(ems.allOutput)")
        let base = String(listening.dropFirst("listening ".count))
        let hostPort = String(base.dropFirst("https://".count))
        #expect(ems.stderr.contains("client certificates: required"))
        // config.json is readable by others (mode 644, set below): warned about at start.
        #expect(ems.stderr.contains("config file \(pki.path("config.json")) is accessible by group or others (mode 644)"))

        let url = base + "/Thingworx/Things/LocalEms/Properties/isConnected"
        let curl = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", "--cacert", pki.path("server-ca.pem"), "-u", "emsuser:cert-pass"]
        // ca.pem present: no client certificate, or one from another CA, is refused at the TLS layer.
        #expect(try await EMSHarness.run("/usr/bin/curl", curl + [url]) == "000")
        #expect(try await EMSHarness.run("/usr/bin/curl", curl + ["--cert", pki.path("intruder.pem"), "--key", pki.path("intruder.key"), url]) == "000")
        let withDevice = curl + ["--cert", pki.path("device.pem"), "--key", pki.path("device.key")]
        #expect(try await EMSHarness.run("/usr/bin/curl", withDevice + [url]) == "200")
        #expect(try await pki.presentedCommonName(hostPort) == "ems-v1")

        // Rotation: replace the files; the running EMS notices and new handshakes get v2.
        try pki.issue("v2", commonName: "ems-v2", by: "server-ca", server: true)
        try pki.install("v2", into: "tls", passphrase: "dir-pass")
        let reloaded = await ems.line(timeout: 15) { $0.contains("new TLS material in use") && $0.contains("ems-v2") }
        #expect(reloaded != nil, "ems: \(ems.allOutput)")
        #expect(try await pki.presentedCommonName(hostPort) == "ems-v2")
        #expect(try await EMSHarness.run("/usr/bin/curl", withDevice + [url]) == "200")

        // A key that does not match: refused with the reason, v2 still served.
        try pki.issue("v3", commonName: "ems-v3", by: "server-ca", server: true)
        try pki.install("v3", into: "tls", passphrase: "dir-pass", keyFrom: "intruder")
        let rejected = await ems.line(timeout: 15) { $0.contains("new TLS material rejected") && $0.contains("ems-v3") }
        #expect(rejected?.contains("does not belong") == true, "ems: \(ems.allOutput)")
        #expect(try await pki.presentedCommonName(hostPort) == "ems-v2")
        #expect(try await EMSHarness.run("/usr/bin/curl", withDevice + [url]) == "200")

        // Good material again, and ca.pem removed: client certificates are no longer asked for.
        try pki.install("v3", into: "tls", passphrase: "dir-pass")
        try FileManager.default.removeItem(atPath: pki.path("tls/ca.pem"))
        let open = await ems.line(timeout: 15) { $0.contains("ems-v3") && $0.contains("no client certificates requested") }
        #expect(open != nil, "ems: \(ems.allOutput)")
        #expect(try await EMSHarness.run("/usr/bin/curl", curl + [url]) == "200")
    }
}

/// A scratch directory with the `openssl` CLI: CAs, issued certificates, and TLS directories.
typealias TestPKI = OpenSSLPKI

extension OpenSSLPKI {
    init() throws {
        try self.init(prefix: "outpost-ems-pki")
    }

    /// The CN the server at `hostPort` presents to `openssl s_client`.
    func presentedCommonName(_ hostPort: String) async throws -> String? {
        let output = try await EMSHarness.run(
            "/bin/sh", ["-c", "openssl s_client -connect \(hostPort) -noservername -cert \(path("device.pem")) -key \(path("device.key")) </dev/null 2>/dev/null"])
        return Self.commonName(inSClientOutput: output)
    }
}
