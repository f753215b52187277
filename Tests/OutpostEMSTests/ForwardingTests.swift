import Foundation
import OutpostEMS
import OutpostWire
import Testing

@Suite("Requests forwarded to the platform")
struct ForwardingTests {
    @Test func propertyReadsGoUpstreamAndComeBackInEMSForm() async throws {
        let link = ScriptedLink()
        link.answer { request in
            ResponseBody(content: InfoTable(fields: [FieldDefinition(name: "Temperature", baseType: .number)], rows: [[.number(21.5)]]))
        }
        let ems = try await EMSHarness.start(link: link)
        defer { ems.stop() }
        let one = try await ems.curl("GET", "/Thingworx/Things/Pump01/Properties/Temperature")
        #expect(one.status == 200)
        #expect(one.body.hasPrefix(#"{"rows":[{"Temperature":21.5}],"dataShape":"#))
        #expect(one.header("Content-Type")?.hasPrefix("application/json") == true)
        let all = try await ems.curl("GET", "/Thingworx/Things/Pump01/Properties")
        #expect(all.status == 200)
        let head = try await ems.curl("HEAD", "/Thingworx/Things/Pump01/Properties/Temperature")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.header("Content-Type") == one.header("Content-Type"))
        #expect(head.header("Content-Length") == one.header("Content-Length"), "HEAD must announce the GET length")
        let sent = link.sent
        #expect(sent.count == 3)
        #expect(sent[0] == RequestBody(method: .get, entityName: "Pump01", characteristic: .properties, target: "Temperature"))
        #expect(sent[1].target == "")
        #expect(sent[2].method == .get)
    }

    @Test func propertyWritesCarryTypedValues() async throws {
        let link = ScriptedLink()
        let ems = try await EMSHarness.start(link: link)
        defer { ems.stop() }
        let flat = try await ems.curl("PUT", "/Thingworx/Things/Pump01/Properties/Temperature", body: #"{"Temperature": 21.5}"#)
        #expect(flat.status == 200)
        let typed = try await ems.curl(
            "PUT", "/Thingworx/Things/Pump01/Properties/Count",
            body: #"{"dataShape":{"fieldDefinitions":{"Count":{"name":"Count","baseType":"INTEGER"}}},"rows":[{"Count":7}]}"#)
        #expect(typed.status == 200)
        let several = try await ems.curl("PUT", "/Thingworx/Things/Pump01/Properties/*", body: #"{"a":1,"b":"x"}"#)
        #expect(several.status == 200)
        let sent = link.sent
        #expect(sent.count == 3)
        #expect(sent[0].method == .put)
        #expect(sent[0].parameters?.value("Temperature") == .number(21.5))
        #expect(sent[1].parameters?.value("Count") == .integer(7))
        #expect(sent[2].target == "*")
        #expect(sent[2].parameters?.dataShape.fields.map(\.name) == ["a", "b"])
    }

    @Test func wrongValueTypeAndMissingPropertyAre400NamingIt() async throws {
        let link = ScriptedLink()
        let ems = try await EMSHarness.start(link: link)
        defer { ems.stop() }
        let wrong = try await ems.curl(
            "PUT", "/Thingworx/Things/Pump01/Properties/Temperature",
            body: #"{"dataShape":{"fieldDefinitions":{"Temperature":{"name":"Temperature","baseType":"NUMBER"}}},"rows":[{"Temperature":"hot"}]}"#)
        #expect(wrong.status == 400)
        #expect(wrong.body.contains("Temperature"))
        let missing = try await ems.curl("PUT", "/Thingworx/Things/Pump01/Properties/Temperature", body: #"{"Pressure": 2}"#)
        #expect(missing.status == 400)
        #expect(missing.body.contains("Temperature"))
        #expect(link.sent.isEmpty)
    }

    @Test func servicesTakePlainOrInfoTableParametersAndEventsGoUp() async throws {
        let link = ScriptedLink()
        link.answer { request in
            ResponseBody(content: .single("result", .string("ok:\(request.target)")))
        }
        let ems = try await EMSHarness.start(link: link)
        defer { ems.stop() }
        let plain = try await ems.curl("POST", "/Thingworx/Things/Pump01/Services/LogReading", body: #"{"v":3.2,"unit":"bar","ok":true}"#)
        #expect(plain.status == 200)
        #expect(plain.json?["rows"] == .array([.object(["result": .string("ok:LogReading")])]))
        let table = try await ems.curl(
            "POST", "/Thingworx/Things/Pump01/Services/LogReading",
            body: #"{"datashape":{"fieldDefinitions":{"v":{"name":"v","baseType":"NUMBER"}}},"rows":[{"v":3.2}]}"#)
        #expect(table.status == 200)
        let empty = try await ems.curl("POST", "/Thingworx/Things/Pump01/Services/Reset")
        #expect(empty.status == 200)
        let form = try await ems.curl("POST", "/Thingworx/Things/Pump01/Services/Note", body: "text=hello+world&n=2", contentType: "application/x-www-form-urlencoded")
        #expect(form.status == 200)
        let event = try await ems.curl("POST", "/Thingworx/Things/Pump01/Events/Alarm", body: #"{"message":"door open","severity":2}"#)
        #expect(event.status == 200)
        let sent = link.sent
        #expect(sent.count == 5)
        #expect(sent[0].characteristic == .services)
        #expect(sent[0].parameters?.value("unit") == .string("bar"))
        #expect(sent[0].parameters?.value("ok") == .boolean(true))
        #expect(sent[1].parameters?.value("v") == .number(3.2))
        #expect(sent[2].parameters == InfoTable())
        #expect(sent[3].parameters?.value("text") == .string("hello world"))
        #expect(sent[4].characteristic == .events)
        #expect(sent[4].target == "Alarm")
        #expect(sent[4].parameters?.value("severity") == .number(2))
    }

    @Test(arguments: [
        (ResponseStatus.notFound, 404), (.internalServerError, 500), (.badRequest, 400), (.forbidden, 403),
        (.gatewayTimeout, 504), (.serviceUnavailable, 503),
    ])
    func platformCodesMapToHTTP(status: ResponseStatus, http: Int) async throws {
        let link = ScriptedLink()
        link.answer { _ in ResponseBody(status: status, reason: "scripted") }
        let ems = try await EMSHarness.start(link: link)
        defer { ems.stop() }
        let reply = try await ems.curl("GET", "/Thingworx/Things/Nope/Properties/x")
        #expect(reply.status == http)
        #expect(reply.json?["message"]?.stringValue?.contains(status.name) == true)
    }

    @Test func platformUnauthorizedIs403AboutTheAppKey() async throws {
        let link = ScriptedLink()
        link.answer { _ in ResponseBody(status: .unauthorized) }
        let ems = try await EMSHarness.start(link: link)
        defer { ems.stop() }
        let reply = try await ems.curl("GET", "/Thingworx/Things/Pump01/Properties/x")
        #expect(reply.status == 403)
        #expect(reply.body.contains("application key"))
        #expect(reply.header("WWW-Authenticate") == nil)
    }

    @Test func linkTimeoutIs504() async throws {
        let link = ScriptedLink()
        link.answer { _ throws(PlatformLinkError) in throw .timeout("no answer within 5 s") }
        let ems = try await EMSHarness.start(link: link)
        defer { ems.stop() }
        let reply = try await ems.curl("POST", "/Thingworx/Things/Pump01/Services/Slow", body: "{}")
        #expect(reply.status == 504)
    }

    @Test func offlineReadsWritesAndServicesAre503WithRetryAfter() async throws {
        let link = ScriptedLink(connected: false)
        let ems = try await EMSHarness.start(link: link)
        defer { ems.stop() }
        let requests: [(String, String, String?)] = [
            ("GET", "/Thingworx/Things/Pump01/Properties/Temperature", nil),
            ("POST", "/Thingworx/Things/Pump01/Services/LogReading", "{}"),
            ("PUT", "/Thingworx/Things/Pump01/Properties/Temperature", #"{"Temperature":1}"#),
            ("POST", "/Thingworx/Things/Pump01/Events/Alarm", "{}"),
        ]
        for (method, path, body) in requests {
            let reply = try await ems.curl(method, path, body: body)
            #expect(reply.status == 503, "\(method) \(path)")
            #expect(reply.header("Retry-After") == "10")
            #expect(reply.json?["status"] == .integer(503))
        }
        let local = try await ems.curl("GET", "/Thingworx/Things/LocalEms/Properties/isConnected")
        #expect(local.status == 200)
    }

    @Test func collectionListingAndUnknownRootsAre404() async throws {
        let ems = try await EMSHarness.start()
        defer { ems.stop() }
        let things = try await ems.curl("GET", "/Thingworx/Things")
        #expect(things.status == 404)
        #expect(things.json?["message"]?.stringValue?.contains("name an entity") == true)
        let root = try await ems.curl("GET", "/")
        #expect(root.status == 404)
        let characteristic = try await ems.curl("GET", "/Thingworx/Things/Pump01/Widgets/x")
        #expect(characteristic.status == 400)
        #expect(characteristic.body.contains("Unexpected characteristic"))
    }
}
