import Foundation
import OutpostTestSupport
import OutpostWire
import Testing

/// `outpost ems` and `outpost platform` as processes, as an operator runs them: the uplink, the
/// per-install certificate, forwarding both ways.
@Suite("outpost ems with outpost platform", .blockingWork)
struct EMSProcessTests {
    @Test func endToEndWithTheReferencePlatform() async throws {
        let directory = NSTemporaryDirectory() + "outpost-ems-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let environment = ["OUTPOST_SECRET_KEY_FILE": directory + "/secret.key"]
        try #"""
            { "listen": { "host": "127.0.0.1", "port": 0, "resource": "/Thingworx/WS" },
              "app_keys": ["e2e-app-key"],
              "admin": { "host": "127.0.0.1", "port": 0, "token": "e2e-admin-token" },
              "store": { "path": "\#(directory)/things.json" } }
            """#.write(toFile: directory + "/platform.json", atomically: true, encoding: .utf8)
        let platform = try ChildProcess(["platform", "--config", directory + "/platform.json"], environment: environment)
        defer { platform.terminate() }
        let listening = try #require(await platform.line(startingWith: "listening"), "platform: \(platform.stderr)")
        let ports = Dictionary(uniqueKeysWithValues: listening.split(separator: " ").dropFirst().compactMap { part -> (String, Int)? in
            let pair = part.split(separator: "=")
            return pair.count == 2 ? (String(pair[0]), Int(pair[1]) ?? 0) : nil
        })
        let alwaysOn = try #require(ports["alwayson"])
        let admin = try #require(ports["admin"])

        try #"""
            { "ws_servers": [{ "host": "127.0.0.1", "port": \#(alwaysOn) }],
              "appKey": "e2e-app-key",
              "ws_connection": { "encryption": "none" },
              "http_server": { "host": "127.0.0.1", "port": \#(try freePort()), "ports_to_try": 20, "ssl": true, "authenticate": true,
                               "user": "emsuser", "password": "e2e-pass" } }
            """#.write(toFile: directory + "/config.json", atomically: true, encoding: .utf8)
        let ems = try ChildProcess(
            ["ems", "--config", directory + "/config.json", "--state-dir", directory + "/state"], environment: environment)
        defer { ems.terminate() }
        let emsLine = try #require(await ems.line(startingWith: "listening "), "ems: \(ems.stderr)")
        let base = String(emsLine.dropFirst("listening ".count))
        #expect(base.hasPrefix("https://127.0.0.1:"))

        // The certificate was made for this install, its key encrypted and private.
        let keyAttributes = try FileManager.default.attributesOfItem(atPath: directory + "/state/ems-https.key")
        #expect((keyAttributes[.posixPermissions] as? Int) == 0o600)
        #expect(try String(contentsOfFile: directory + "/state/ems-https.key", encoding: .utf8).contains("ENCRYPTED PRIVATE KEY"))
        #expect(ems.stderr.contains("generated for this install"))

        let curlBase = ["-s", "-S", "--max-time", "20", "--cacert", directory + "/state/ems-https.crt", "-u", "emsuser:e2e-pass"]
        // The uplink logs (to stdout) once AUTH and BIND succeeded.
        let connected = await ems.line { $0.contains("connected to the platform") }
        #expect(connected != nil, "ems: \(ems.stderr)")
        let isConnected = try await EMSHarness.run("/usr/bin/curl", curlBase + [base + "/Thingworx/Things/LocalEms/Properties/isConnected"])
        #expect(isConnected.contains(#""isConnected":true"#))

        let put = try await EMSHarness.run(
            "/usr/bin/curl",
            curlBase + ["-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT", "-H", "Content-Type: application/json", "--data-binary", #"{"Temperature": 21.5}"#, base + "/Thingworx/Things/Pump01/Properties/Temperature"])
        #expect(put == "200")
        let stored = try await EMSHarness.run(
            "/usr/bin/curl", ["-s", "-H", "Authorization: Bearer e2e-admin-token", "http://127.0.0.1:\(admin)/admin/things/Pump01"])
        #expect(stored.contains("21.5"), "platform has: \(stored)")
        let read = try await EMSHarness.run("/usr/bin/curl", curlBase + [base + "/Thingworx/Things/Pump01/Properties/Temperature"])
        #expect(read.hasPrefix(#"{"rows":[{"Temperature":21.5}]"#), "read: \(read)")
        let missing = try await EMSHarness.run("/usr/bin/curl", curlBase + ["-o", "/dev/null", "-w", "%{http_code}", base + "/Thingworx/Things/Pump01/Properties/Nope"])
        #expect(missing == "404")

        // Platform → EMS → edge endpoint.
        let endpoint = try await EdgeEndpoint.start()
        defer { endpoint.task.cancel() }
        let add = try await EMSHarness.run(
            "/usr/bin/curl",
            curlBase + ["-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H", "Content-Type: application/json", "--data-binary",
                #"{"name":"Edge01","host":"127.0.0.1","port":"\#(endpoint.port)","proto":"https","path":"/scripts/Thingworx","user":"luauser","password":"lua-secret","allow_self_signed":true}"#,
                base + "/Thingworx/Things/LocalEms/Services/AddEdgeThing"])
        #expect(add == "200")
        let value = try await EMSHarness.run(
            "/usr/bin/curl", ["-s", "-H", "Authorization: Bearer e2e-admin-token", "http://127.0.0.1:\(admin)/admin/things/Edge01/properties/Temperature"])
        #expect(value.contains("42"), "admin read through the EMS: \(value)")
        #expect(!ems.stderr.contains("e2e-pass") && !ems.stderr.contains("lua-secret"))
    }
}
