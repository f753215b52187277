import Foundation
import Testing

/// `outpost platform`, `outpost ems` and `outpost lsr` as processes, TLS and Basic auth on both legs:
/// registration, platform → EMS → LSR calls answered by Lua, pushes from the scan and the tasks,
/// a runaway script next to healthy things, shutdown.
@Suite("outpost lsr with outpost ems and outpost platform", .serialized)
struct ScriptResourceProcessTests {
    @Test func platformReachesLuaThingsThroughTheEMS() async throws {
        let world = try LSRWorld()
        try world.write(String(contentsOfFile: LSRWorld.repositoryScripts + "/templates/sensor.lua", encoding: .utf8), to: "scripts/templates/sensor.lua")
        try world.write(TestTemplates.legacy, to: "scripts/templates/legacy.lua")
        try world.write(TestTemplates.runaway, to: "scripts/templates/runaway.lua")
        let platform = try await world.startPlatform(subscriptions: [
            ("Sensor01", "Samples", "ALWAYS", 0), ("Sensor01", "Temperature", "VALUE", 0),
        ])
        defer { platform.process.terminate() }
        let ems = try await world.startEMS(port: try freePort(), platform: platform)
        defer { ems.process.terminate() }
        // config.lua lives in etc/, so the templates are found through script_directory.
        try world.writeLuaConfig(
            emsPort: ems.port, scriptDirectory: "../scripts",
            things: [
                "Sensor01": #"{ file = "thing.lua", template = "sensor", scanRate = 600, taskRate = 300, scanRateResolution = 100, keepAliveRate = 2000, location = "Line 1" }"#,
                "Legacy01": #"{ file = "thing.lua", template = "legacy", scanRate = 1000, taskRate = 1000, scanRateResolution = 100 }"#,
                "Runaway01": #"{ file = "thing.lua", template = "runaway", scanRate = 1000, taskRate = 1500, scanRateResolution = 100 }"#,
            ],
            name: "etc/config.lua")
        let lsr = try await world.startLSR(config: "etc/config.lua")
        defer { lsr.process.terminate() }
        #expect(lsr.base.hasPrefix("https://127.0.0.1:"))

        // Registration shows in the EMS.
        let edgeThings = try await LSRWorld.eventually("the things in GetEdgeThings") { () async throws -> String? in
            let (status, body) = try await world.ems(ems, "POST", "/Thingworx/Things/LocalEms/Services/GetEdgeThings", body: "{}")
            return status == 200 && ["Sensor01", "Legacy01", "Runaway01"].allSatisfy(body.contains) ? body : nil
        }
        #expect(edgeThings.contains(#""proto":"https""#))
        let has = try await world.ems(ems, "POST", "/Thingworx/Things/LocalEms/Services/HasEdgeThing", body: #"{"name":"Sensor01"}"#)
        #expect(has.0 == 200 && has.1.contains(#""result":true"#), "HasEdgeThing: \(has)")

        // The platform invokes the example service and reads a property (NEVER pushed, so read through).
        let calibrate = try await world.admin(platform, "POST", "/admin/things/Sensor01/services/Calibrate", body: #"{"offset": 1.5, "reason": "drift check"}"#)
        #expect(calibrate.0 == 200, "Calibrate: \(calibrate) lsr: \(lsr.process.stderr)")
        #expect(calibrate.1.contains("after calibration (drift check)"), "Calibrate: \(calibrate)")
        let location = try await world.admin(platform, "GET", "/admin/things/Sensor01/properties/Location")
        #expect(location.0 == 200 && location.1.contains("Line 1"), "Location: \(location)")

        // A platform write goes EMS → LSR PUT → the property's handler; the next read sees it.
        let put = try await world.admin(platform, "PUT", "/admin/things/Sensor01/properties/Location", body: #"{"value": "Line 9"}"#)
        #expect(put.0 == 200, "PUT Location: \(put)")
        let moved = try await world.admin(platform, "GET", "/admin/things/Sensor01/properties/Location")
        #expect(moved.0 == 200 && moved.1.contains("Line 9"), "Location after PUT: \(moved)")
        let wrongType = try await world.lsr(lsr, "PUT", "/scripts/Thingworx/Things/Sensor01/Properties/Samples", body: #"{"Samples": "many"}"#)
        #expect(wrongType.0 == 400 && wrongType.1.contains("did not contain valid data"), "\(wrongType)")

        // The task's values reach the platform's history through the scan pushes.
        let samples = try await LSRWorld.eventually("three Samples pushes") { () async throws -> String? in
            let (status, body) = try await world.admin(platform, "GET", "/admin/things/Sensor01/properties/Samples/history")
            return status == 200 && body.components(separatedBy: "\"time\"").count > 3 ? body : nil
        }
        #expect(!samples.isEmpty)
        let temperature = try await LSRWorld.eventually("a Temperature push") { () async throws -> String? in
            let (status, body) = try await world.admin(platform, "GET", "/admin/things/Sensor01/properties/Temperature/history")
            return status == 200 && body.contains("\"time\"") ? body : nil
        }
        #expect(temperature.contains("value"))

        // NotifyPropertyUpdate from the platform makes the thing read its subscriptions again.
        let reads = lsr.process.lines { $0.contains("GetPropertySubscriptions called for Sensor01. 2 properties updated.") }.count
        #expect(reads == 1, "lsr: \(lsr.process.stderr)")
        let notify = try await world.admin(platform, "POST", "/admin/things/Sensor01/services/NotifyPropertyUpdate", body: "{}")
        #expect(notify.0 == 200, "NotifyPropertyUpdate: \(notify)")
        let reread = try await LSRWorld.eventually("a second GetPropertySubscriptions") { () async throws -> Int? in
            let count = lsr.process.lines { $0.contains("GetPropertySubscriptions called for Sensor01") }.count
            return count > reads ? count : nil
        }
        #expect(reread == 2)

        // A template written for the original (Lua 5.1 idioms) works through the whole path.
        let sum = try await world.admin(platform, "POST", "/admin/things/Legacy01/services/Sum", body: #"{"a": 2, "b": 3}"#)
        #expect(sum.0 == 200 && sum.1.contains("5"), "Sum: \(sum)")

        // A runaway service fails alone, with its file and line; the other things keep answering.
        let spin = try await world.admin(platform, "POST", "/admin/things/Runaway01/services/Spin", body: "{}")
        #expect(spin.0 != 200, "Spin: \(spin)")
        let budget = await lsr.process.line(timeout: 30) { $0.contains("Spin") && $0.contains("instruction budget") }
        #expect(budget?.contains("runaway.lua:") == true, "lsr: \(lsr.process.stderr)")
        let memory = await lsr.process.line(timeout: 30) { $0.contains("task Hog of Runaway01 failed") }
        #expect(memory != nil, "lsr: \(lsr.process.stderr)")
        let again = try await world.admin(platform, "POST", "/admin/things/Sensor01/services/Calibrate", body: #"{"offset": 0, "reason": "still here"}"#)
        #expect(again.0 == 200 && again.1.contains("still here"), "Calibrate after runaway: \(again)")

        // The callback listener itself: Basic auth and 404s with messages.
        let unauthorized = try await world.lsr(lsr, "GET", "/scripts/Thingworx/Things/Sensor01/Properties/Location", password: "wrong")
        #expect(unauthorized.0 == 401)
        let missing = try await world.lsr(lsr, "GET", "/scripts/Thingworx/Things/Sensor01/Properties/Nope")
        #expect(missing.0 == 404 && missing.1.contains("Property 'Nope' not found"))
        let unknownThing = try await world.lsr(lsr, "POST", "/scripts/Thingworx/Things/Nobody/Services/Calibrate", body: "{}")
        #expect(unknownThing.0 == 404)

        // SIGTERM: the things are removed from the EMS before the process ends.
        #expect(await lsr.process.terminateAndWait())
        let after = try await world.ems(ems, "POST", "/Thingworx/Things/LocalEms/Services/GetEdgeThings", body: "{}")
        #expect(after.0 == 200 && !after.1.contains("Sensor01"), "after shutdown: \(after)")
        #expect(!lsr.process.stderr.contains(LSRWorld.emsPassword) && !lsr.process.stderr.contains(LSRWorld.luaPassword))
    }
}
