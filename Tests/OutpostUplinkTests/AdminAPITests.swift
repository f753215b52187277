import Foundation
import NIOConcurrencyHelpers
import OutpostPlatform
import OutpostUplink
import OutpostWire
import Testing
import OutpostTestSupport

/// The platform's admin API over real HTTP, driving a real uplink: property reads and writes and
/// service calls travel over the AlwaysOn socket to the edge's handler.
@Suite(.blockingWork)
struct AdminAPITests {
    /// Keeps property writes and answers reads from them; echoes service parameters.
    final class ThingHandler: UplinkRequestHandler {
        let values = NIOLockedValueBox<[String: Primitive]>([:])

        func handle(_ request: RequestBody) async -> ResponseBody {
            switch (request.characteristic, request.method) {
            case (.properties, .put):
                guard let value = request.parameters?.value(request.target) else { return ResponseBody(status: .badRequest) }
                values.withLockedValue { $0[request.target] = value }
                return ResponseBody()
            case (.properties, _):
                guard let value = values.withLockedValue({ $0[request.target] }) else { return ResponseBody(status: .notFound) }
                return ResponseBody(content: .single(request.target, value))
            case (.services, _) where request.target == "Add":
                let a = request.parameters?.value("a")?.doubleValue ?? 0
                let b = request.parameters?.value("b")?.doubleValue ?? 0
                return ResponseBody(content: .single("result", .number(a + b)))
            default:
                return ResponseBody(status: .notFound)
            }
        }
    }

    @Test func adminAPI_readsWritesAndInvokesOverTheSocket() async throws {
        let pki = try TestPKI()
        try await withPlatform(pki) { platform in
            let admin = platform.addresses.adminPort
            let token = PlatformUnderTest.adminToken
            let settings = try UplinkSettings.forTest(pki, port: platform.addresses.alwaysOnPort)
            let handler = ThingHandler()
            try await withUplink(settings, handler: handler) { uplink in
                try await waitFor(uplink, "bound") { $0.phase == .bound }

                let unauthorized = try await AdminClient.request("GET", port: admin, path: "/admin/things", token: nil)
                #expect(unauthorized.status == 401)
                let wrongToken = try await AdminClient.request("GET", port: admin, path: "/admin/things", token: "nope")
                #expect(wrongToken.status == 401)

                let write = try await AdminClient.request(
                    "PUT", port: admin, path: "/admin/things/Dev1/properties/Setpoint", token: token, body: #"{"value": 21.5}"#)
                #expect(write.status == 200, "\(write.body)")
                #expect(handler.values.withLockedValue { $0["Setpoint"] } == .number(21.5))

                let read = try await AdminClient.request("GET", port: admin, path: "/admin/things/Dev1/properties/Setpoint", token: token)
                #expect(read.status == 200)
                let readJSON = try JSONValue(parsing: read.body)
                #expect(readJSON["value"] == .number(21.5))
                #expect(readJSON["baseType"] == .string("NUMBER"))

                let call = try await AdminClient.request(
                    "POST", port: admin, path: "/admin/things/Dev1/services/Add", token: token, body: #"{"a": 2, "b": 3}"#)
                #expect(call.status == 200, "\(call.body)")
                let rows = try JSONValue(parsing: call.body)["content"]?["rows"]
                guard case .array(let resultRows)? = rows else { Issue.record("no rows in \(call.body)"); return }
                #expect(resultRows.first?["result"]?.doubleValue == 5)

                let missing = try await AdminClient.request("GET", port: admin, path: "/admin/things/Dev1/properties/Nope", token: token)
                #expect(missing.status == 502)
                #expect(missing.body.contains("NOT_FOUND"))

                let offline = try await AdminClient.request("GET", port: admin, path: "/admin/things/Ghost/properties/x", token: token)
                #expect(offline.status == 409)

                // The edge's property push shows up in the history.
                let push = InfoTable(
                    fields: [FieldDefinition(name: "name", baseType: .string), FieldDefinition(name: "value", baseType: .variant),
                        FieldDefinition(name: "time", baseType: .datetime), FieldDefinition(name: "quality", baseType: .string)],
                    rows: [[.string("Temp"), .variant(.number(19)), .datetime(1_000), .string("GOOD")]])
                _ = try await uplink.send(
                    RequestBody(method: .post, entityName: "Dev1", characteristic: .services, target: "UpdateSubscribedPropertyValues",
                        parameters: InfoTable(fields: [FieldDefinition(name: "values", baseType: .infoTable)], rows: [[.infoTable(push)]])))
                let history = try await AdminClient.request("GET", port: admin, path: "/admin/things/Dev1/properties/Temp/history", token: token)
                guard case .array(let entries)? = try JSONValue(parsing: history.body)["history"] else {
                    Issue.record("no history in \(history.body)")
                    return
                }
                #expect(entries.count == 1)
                #expect(entries.first?["value"]?.doubleValue == 19)
                #expect(entries.first?["time"]?.doubleValue == 1_000)
                #expect(entries.first?["baseType"] == .string("NUMBER"))
                #expect(entries.first?["quality"] == .string("GOOD"))

                let things = try await AdminClient.request("GET", port: admin, path: "/admin/things", token: token)
                #expect(things.body.contains(#""name":"Dev1""#))
                let connections = try await AdminClient.request("GET", port: admin, path: "/admin/connections", token: token)
                #expect(connections.body.contains(#""boundThings":["Dev1"]"#))
            }
        }
    }
}
