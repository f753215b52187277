import Foundation
import OutpostTLS
import Testing

/// Failures on the LSR → EMS leg: each is logged once, clearly, retried with backoff, and the recovery
/// is logged once.
@Suite("outpost lsr: rap_* failures", .serialized)
struct RAPFailureTests {
    static let thing = #"{ file = "thing.lua", template = "legacy", scanRate = 1000, taskRate = 1000, scanRateResolution = 100, keepAliveRate = 1000 }"#

    @Test func wrongPasswordIsOneClearErrorAndRecoversWhenTheEMSMatches() async throws {
        let world = try LSRWorld()
        try world.write(TestTemplates.legacy, to: "scripts/templates/legacy.lua")
        let port = try freePort()
        let ems = try await world.startEMS(port: port, password: "the-ems-password", platform: nil)
        try world.writeLuaConfig(emsPort: ems.port, rapPassword: "another-password", things: ["Legacy01": Self.thing])
        let lsr = try await world.startLSR(logLevel: "debug")
        defer { lsr.process.terminate() }

        let refusal = try #require(await lsr.process.line(timeout: 30) { $0.contains("answered 401") }, "lsr: \(lsr.process.stderr)")
        #expect(refusal.contains("rap_userid 'emsuser'") && refusal.contains("rap_password") && refusal.contains("Fix:"))
        // Retries go on with growing delays (debug lines), while the error stays a single line.
        _ = try #require(await lsr.process.line(timeout: 30) { $0.contains("(attempt 4)") }, "lsr: \(lsr.process.stderr)")
        let delays = lsr.process.lines { $0.contains("registration of Legacy01 failed") }.compactMap { line -> Int? in
            guard let range = line.range(of: "retrying in ") else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        #expect(delays.count >= 4)
        #expect(delays.allSatisfy { $0 <= 1000 }, "the delay is capped at keepAliveRate: \(delays)")
        #expect(delays.dropFirst(2).contains { $0 > delays[0] }, "delays grow: \(delays)")
        #expect(lsr.process.lines { $0.contains("answered 401") && $0.contains("Fix:") }.count == 1)
        #expect(!lsr.process.stderr.contains("another-password"))

        // The EMS restarts with the password the LSR has: registration succeeds and the recovery is logged once.
        #expect(await ems.process.terminateAndWait())
        let fixed = try await world.startEMS(port: port, password: "another-password", platform: nil, name: "fixed.json")
        defer { fixed.process.terminate() }
        let recovered = await lsr.process.line(timeout: 30) { $0.contains("accepts the script resource's requests again") }
        #expect(recovered != nil, "lsr: \(lsr.process.stderr)")
        let has = try await LSRWorld.eventually("Legacy01 registered") { () async throws -> Bool? in
            var arguments = ["-s", "--cacert", world.pki.caCertificate, "-u", "emsuser:another-password", "-H", "Content-Type: application/json"]
            arguments += ["--data-binary", #"{"name":"Legacy01"}"#, fixed.base + "/Thingworx/Things/LocalEms/Services/HasEdgeThing"]
            let body = try await LSRWorld.run("/usr/bin/curl", arguments)
            return body.contains(#""result":true"#) ? true : nil
        }
        #expect(has)
        #expect(lsr.process.lines { $0.contains("answered 401") && $0.contains("Fix:") }.count == 1)
        #expect(lsr.process.lines { $0.contains("accepts the script resource's requests again") }.count == 1)
    }

    @Test func denySelfSignedRefusesTheEMSsOwnCertificate() async throws {
        let world = try LSRWorld()
        try world.write(TestTemplates.legacy, to: "scripts/templates/legacy.lua")
        // The EMS's per-install certificate is self-signed; trusting it directly would pass chain checks.
        let ems = try await world.startEMS(port: try freePort(), platform: nil, ownCertificate: true)
        defer { ems.process.terminate() }
        let selfSigned = world.directory + "/state/ems-https.crt"
        try world.writeLuaConfig(emsPort: ems.port, certFile: selfSigned, denySelfSigned: true, things: ["Legacy01": Self.thing])
        let lsr = try await world.startLSR()
        defer { lsr.process.terminate() }
        let refusal = try #require(await lsr.process.line(timeout: 30) { $0.contains("self-signed certificate") }, "lsr: \(lsr.process.stderr)")
        #expect(refusal.contains("rap_deny_selfsigned") && refusal.contains("rap_cert_file"))
        let edgeThings = try await world.ems(ems, "POST", "/Thingworx/Things/LocalEms/Services/GetEdgeThings", body: "{}", caFile: selfSigned)
        #expect(edgeThings.0 == 200 && !edgeThings.1.contains("Legacy01"), "\(edgeThings)")

        // The same set-up with rap_deny_selfsigned = false registers (and warns at start-up).
        try world.writeLuaConfig(emsPort: ems.port, certFile: selfSigned, denySelfSigned: false, things: ["Legacy01": Self.thing], name: "lenient.lua")
        let lenient = try await world.startLSR(config: "lenient.lua")
        defer { lenient.process.terminate() }
        #expect(lenient.process.stderr.contains("rap_deny_selfsigned"))
        let registered = try await LSRWorld.eventually("Legacy01 registered: \(lenient.process.stderr)") { () async throws -> Bool? in
            let (status, body) = try await world.ems(ems, "POST", "/Thingworx/Things/LocalEms/Services/HasEdgeThing", body: #"{"name":"Legacy01"}"#, caFile: selfSigned)
            return status == 200 && body.contains(#""result":true"#) ? true : nil
        }
        #expect(registered)
        #expect(lsr.process.lines { $0.contains("self-signed certificate") }.count == 1)
    }
}
