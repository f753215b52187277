import Foundation
import OutpostPlatform
import OutpostSecrets
import OutpostUplink
import Testing
import OutpostTestSupport

/// The uplink against a real `outpost platform` process: killed and restarted, frozen and thawed.
@Suite(.serialized, .blockingWork)
struct UplinkPlatformProcessTests {
    /// Writes platform.json (TLS, mTLS with the test CA, a sealed app key) in the PKI workspace.
    private func writeConfig(_ pki: TestPKI, port: Int) throws -> [String] {
        let keyFile = pki.file("secret.key")
        let sealed = try SecretKeyFile.loadOrCreate(at: keyFile).seal(SecretValue(PlatformUnderTest.appKey))
        try pki.workspace.write(
            "platform.json",
            """
            {
              "listen": {"host": "127.0.0.1", "port": \(port)},
              "tls": {"certificate": "server.pem", "private_key": "server.key", "client_ca": "ca.pem"},
              "app_keys": ["\(sealed)"],
              "admin": {"host": "127.0.0.1", "port": 0, "token": "\(PlatformUnderTest.adminToken)"},
              "store": {"path": "things.json"}
            }
            """)
        return ["platform", "--config", "platform.json", "--key-file", keyFile, "--log-level", "error"]
    }

    /// A port that was free a moment ago (the platform must come back on the same one).
    private func freePort(_ pki: TestPKI) async throws -> Int {
        try await withPlatform(pki) { $0.addresses.alwaysOnPort }
    }

    @Test func platformKilledAndRestarted_uplinkReconnectsAndRebinds() async throws {
        let pki = try TestPKI()
        let port = try await freePort(pki)
        let arguments = try writeConfig(pki, port: port)
        var platform = try PlatformProcess(arguments: arguments, directory: pki.path)
        _ = try await platform.waitUntilListening()
        var settings = try UplinkSettings.forTest(pki, port: port)
        settings.pingInterval = .seconds(30)
        try await withUplink(settings) { uplink in
            let first = try await waitFor(uplink, "bound") { $0.phase == .bound }
            await platform.killAndWait()
            try await waitFor(uplink, "connection lost") { $0.phase != .bound && $0.lastError != nil }
            let restartedAt = ContinuousClock.now
            platform = try PlatformProcess(arguments: arguments, directory: pki.path)
            let ports = try await platform.waitUntilListening()
            let again = try await waitFor(uplink, "bound again") { $0.phase == .bound && $0.sessions == first.sessions + 1 }
            let reconnect = ContinuousClock.now - restartedAt
            // Bound: the backoff cap plus the connect timeout of an attempt in flight.
            let policy = settings.reconnect
            #expect(reconnect < policy.maxDelay + settings.connectTimeout, "reconnected after \(reconnect)")
            print("uplink reconnected \(reconnect) after the platform restart (cap \(policy.maxDelay))")
            #expect(again.boundThings == ["Dev1"])
            let thing = try await AdminClient.get(port: ports.admin, path: "/admin/things/Dev1", token: PlatformUnderTest.adminToken)
            #expect(thing.status == 200)
            #expect(thing.body.contains("\"isConnected\":true"))
        }
        await platform.killAndWait()
    }

    @Test func platformFrozen_pongTimeoutDetected_reconnectsAfterThaw() async throws {
        let pki = try TestPKI()
        let port = try await freePort(pki)
        let arguments = try writeConfig(pki, port: port)
        let platform = try PlatformProcess(arguments: arguments, directory: pki.path)
        _ = try await platform.waitUntilListening()
        var settings = try UplinkSettings.forTest(pki, port: port)
        settings.pingInterval = .milliseconds(400)
        settings.pongTimeout = .milliseconds(300)
        settings.connectTimeout = .seconds(1)
        try await withUplink(settings) { uplink in
            let first = try await waitFor(uplink, "bound") { $0.phase == .bound }
            platform.signal(SIGSTOP)
            let lost = try await waitFor(uplink, "pong timeout") { $0.lastError?.code == .pongTimeout }
            #expect(lost.lastError?.message.contains("pong") == true)
            platform.signal(SIGCONT)
            let again = try await waitFor(uplink, "bound after thaw") { $0.phase == .bound && $0.sessions > first.sessions }
            #expect(again.boundThings == ["Dev1"])
        }
        await platform.killAndWait()
    }
}
