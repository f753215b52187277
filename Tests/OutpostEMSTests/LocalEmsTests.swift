import Foundation
import OutpostEMS
import OutpostWire
import Testing

@Suite("LocalEms services and properties")
struct LocalEmsTests {
    @Test func isConnectedAnswersLocallyInEMSOrderWithIMFDate() async throws {
        let link = ScriptedLink(connected: false)
        let ems = try await EMSHarness.start(link: link)
        defer { ems.stop() }
        let offline = try await ems.curl("GET", "/Thingworx/Things/LocalEms/Properties/isConnected")
        #expect(offline.status == 200)
        #expect(offline.body.hasPrefix(#"{"rows":[{"isConnected":false}],"dataShape":{"fieldDefinitions":{"isConnected":"#))
        #expect(offline.body.contains(#""baseType":"BOOLEAN""#))
        let date = try #require(offline.header("Date"))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        #expect(formatter.date(from: date) != nil, "Date is not IMF-fixdate: \(date)")
        link.setConnected(true)
        let online = try await ems.curl("GET", "/Thingworx/Things/LocalEms/Properties/isConnected")
        #expect(online.body.contains(#"{"isConnected":true}"#))
        #expect(link.sent.isEmpty, "isConnected must not go upstream")
    }

    @Test func versionInBothSpellingsAndUnknownServiceIs404() async throws {
        let ems = try await EMSHarness.start()
        defer { ems.stop() }
        for name in ["GetMicroserverVersion", "GetMicroServerVersion"] {
            let reply = try await ems.curl("POST", "/Thingworx/Things/LocalEms/Services/\(name)", body: "{}")
            #expect(reply.status == 200)
            #expect(reply.json?["rows"] == .array([.object(["result": .string("5.4.0.114-outpost")])]))
        }
        let noBody = try await ems.curl("POST", "/Thingworx/Things/LocalEms/Services/GetMicroserverVersion")
        #expect(noBody.status == 200)
        let unknown = try await ems.curl("POST", "/Thingworx/Things/LocalEms/Services/NoSuchService", body: "{}")
        #expect(unknown.status == 404)
        #expect(unknown.json?["message"]?.stringValue?.contains("NoSuchService") == true)
        let viaGet = try await ems.curl("GET", "/Thingworx/Things/LocalEms/Services/GetMicroserverVersion")
        #expect(viaGet.status == 405)
    }

    @Test func edgeThingLifecycleBindsAndUnbinds() async throws {
        let ems = try await EMSHarness.start()
        defer { ems.stop() }
        let add = try await ems.curl(
            "POST", "/Thingworx/Things/LocalEms/Services/AddEdgeThing",
            body: #"{"name":"Pump01","host":"127.0.0.1","port":"18001","proto":"https","path":"/scripts/Thingworx","keepalive":60000,"timeout":15000,"user":"luauser","password":"lua-secret"}"#)
        #expect(add.status == 200)
        let has = try await ems.curl("POST", "/Thingworx/Things/LocalEms/Services/HasEdgeThing", body: #"{"name":"Pump01"}"#)
        #expect(has.json?["rows"] == .array([.object(["result": .bool(true)])]))
        let list = try await ems.curl("POST", "/Thingworx/Things/LocalEms/Services/GetEdgeThings", body: "{}")
        #expect(list.body.contains(#""name":"Pump01","host":"127.0.0.1","port":18001,"path":"/scripts/Thingworx""#))
        #expect(!list.body.contains("lua-secret"))
        let numberPort = try await ems.curl(
            "POST", "/Thingworx/Things/LocalEms/Services/AddEdgeThing", body: #"{"name":"Pump02","port":18002,"protocol":"http"}"#)
        #expect(numberPort.status == 200)
        let missingName = try await ems.curl("POST", "/Thingworx/Things/LocalEms/Services/AddEdgeThing", body: #"{"host":"x"}"#)
        #expect(missingName.status == 400)
        #expect(missingName.body.contains("The input parameter 'name' is required."))
        let badPort = try await ems.curl("POST", "/Thingworx/Things/LocalEms/Services/AddEdgeThing", body: #"{"name":"P","port":"eighty"}"#)
        #expect(badPort.status == 400)
        #expect(badPort.body.contains("port"))
        let remove = try await ems.curl("POST", "/Thingworx/Things/LocalEms/Services/RemoveEdgeThing", body: #"{"name":"Pump01"}"#)
        #expect(remove.status == 200)
        let hasNot = try await ems.curl("POST", "/Thingworx/Things/LocalEms/Services/HasEdgeThing", body: #"{"name":"Pump01"}"#)
        #expect(hasNot.json?["rows"] == .array([.object(["result": .bool(false)])]))
        #expect(ems.link.events == [.bind("Pump01"), .bind("Pump02"), .unbind("Pump01")])
    }

    @Test func getConfigurationMasksSecrets() async throws {
        let ems = try await EMSHarness.start()
        defer { ems.stop() }
        let reply = try await ems.curl("POST", "/Thingworx/Things/LocalEms/Services/GetConfiguration", body: "{}")
        #expect(reply.status == 200)
        #expect(reply.body.contains(#""password":"********""#))
        #expect(!reply.body.contains("s3cret-pass"))
    }

    @Test func configMaskingCoversEverySecretKey() throws {
        let config = #"{"appKey":"abc-123","http_server":{"password":"pw","passphrase":"pp","user":"u"},"certificates":{"key_passphrase":"kp"},"auto_bind":[{"name":"A","password":"x"}]}"#
        let settingsJSON = EMSSettings.maskedConfiguration(of: Array(config.utf8)).serialized()
        for secret in ["abc-123", "\"pw\"", "\"pp\"", "\"kp\"", "\"x\""] {
            #expect(!settingsJSON.contains(secret), "\(secret) leaked")
        }
        #expect(settingsJSON.contains(#""user":"u""#))
    }

    @Test func testPortConnectsToAnOpenPortAndFailsOnAClosedOne() async throws {
        let ems = try await EMSHarness.start()
        defer { ems.stop() }
        let open = try await ems.curl("POST", "/Thingworx/Things/LocalEms/Services/TestPort", body: #"{"host":"127.0.0.1","port":\#(ems.port)}"#)
        #expect(open.json?["rows"] == .array([.object(["result": .bool(true)])]))
        let closed = try await ems.curl("POST", "/Thingworx/Things/LocalEms/Services/TestPort", body: #"{"host":"127.0.0.1","port":1}"#)
        #expect(closed.json?["rows"] == .array([.object(["result": .bool(false)])]))
    }

    @Test func gatewayNamesAnswerLikeLocalEms() async throws {
        let link = ScriptedLink()
        let ems = try await EMSHarness.start(link: link) { settings in
            settings.bindings = [EdgeBinding(name: "Gateway1", gateway: true, fromConfig: true)]
        }
        defer { ems.stop() }
        let reply = try await ems.curl("GET", "/Thingworx/Things/Gateway1/Properties/isConnected")
        #expect(reply.body.contains(#"{"isConnected":true}"#))
        let version = try await ems.curl("POST", "/Thingworx/Things/Gateway1/Services/GetMicroserverVersion", body: "{}")
        #expect(version.status == 200)
        #expect(link.sent.isEmpty)
        let viaPlatform = await ems.server.forwarder.handle(
            RequestBody(method: .get, entityName: "Gateway1", characteristic: .properties, target: "isConnected"))
        #expect(viaPlatform.status == .success)
        #expect(viaPlatform.content == .single("isConnected", .boolean(true)))
    }
}
