import Foundation
import OutpostConfig
import OutpostPlatform
import OutpostUplink
import OutpostWire
import Testing
import OutpostTestSupport

/// Requests both ways over a live uplink: edge → platform (property write, property push, subscriptions,
/// multipart), platform → edge (delivered to the handler, answered).
@Suite(.blockingWork)
struct UplinkRequestTests {
    /// Answers the platform's property reads with a fixed value, and echoes service parameters.
    struct EchoHandler: UplinkRequestHandler {
        func handle(_ request: RequestBody) async -> ResponseBody {
            switch request.characteristic {
            case .properties where request.method == .get:
                return ResponseBody(content: InfoTable.single(request.target, .number(47.25)))
            case .services:
                return ResponseBody(content: request.parameters)
            default:
                return ResponseBody(status: .notFound)
            }
        }
    }

    @Test func edgeRequests_reachTheThingStore() async throws {
        let pki = try TestPKI()
        var subscription = PlatformSubscription()
        subscription.thing = "Dev1"
        subscription.property = "Temp"
        try await withPlatform(pki, subscriptions: [subscription]) { platform in
            let settings = try UplinkSettings.forTest(pki, port: platform.addresses.alwaysOnPort)
            try await withUplink(settings) { uplink in
                try await waitFor(uplink, "bound") { $0.phase == .bound }

                let write = try await uplink.send(
                    RequestBody(method: .put, entityName: "Dev1", characteristic: .properties, target: "Mode",
                        parameters: .single("Mode", .string("auto"))))
                #expect(write.status == .success)
                let read = try await uplink.send(RequestBody(method: .get, entityName: "Dev1", characteristic: .properties, target: "Mode"))
                #expect(read.content?.value("Mode") == .string("auto"))

                let values = InfoTable(
                    fields: [
                        FieldDefinition(name: "name", baseType: .string), FieldDefinition(name: "value", baseType: .variant),
                        FieldDefinition(name: "time", baseType: .datetime), FieldDefinition(name: "quality", baseType: .string),
                    ],
                    rows: [
                        [.string("Temp"), .variant(.number(21.5)), .datetime(1_704_067_200_000), .string("GOOD")],
                        [.string("Temp"), .variant(.number(22.0)), .datetime(1_704_067_201_000), .string("GOOD")],
                    ])
                let push = try await uplink.send(
                    RequestBody(method: .post, entityName: "Dev1", characteristic: .services, target: "UpdateSubscribedPropertyValues",
                        parameters: InfoTable(fields: [FieldDefinition(name: "values", baseType: .infoTable)], rows: [[.infoTable(values)]])))
                #expect(push.status == .success)
                let history = platform.server.store.thing("Dev1")?.history["Temp"] ?? []
                #expect(history.map(\.value) == [.number(21.5), .number(22.0)])
                #expect(history.last?.time == 1_704_067_201_000)

                let subscriptions = try await uplink.send(
                    RequestBody(method: .post, entityName: "Dev1", characteristic: .services, target: "GetPropertySubscriptions"))
                #expect(subscriptions.content?.value("edgeName") == .string("Temp"))
                #expect(subscriptions.content?.value("pushType") == .string("VALUE"))

                // 40 KB: multipart from the edge, reassembled by the platform.
                let large = String(repeating: "0123456789", count: 4_000)
                let big = try await uplink.send(
                    RequestBody(method: .put, entityName: "Dev1", characteristic: .properties, target: "Blob",
                        parameters: .single("Blob", .string(large))))
                #expect(big.status == .success)
                #expect(platform.server.store.property(thing: "Dev1", "Blob")?.value == .string(large))
                // …and multipart back to the edge.
                let back = try await uplink.send(RequestBody(method: .get, entityName: "Dev1", characteristic: .properties, target: "Blob"))
                #expect(back.content?.value("Blob") == .string(large))

                let missing = try await uplink.send(RequestBody(method: .post, entityName: "Dev1", characteristic: .services, target: "NoSuchService"))
                #expect(missing.status == .notFound)
            }
        }
    }

    @Test func platformRequests_reachTheHandler_andAnswersReturn() async throws {
        let pki = try TestPKI()
        try await withPlatform(pki) { platform in
            let settings = try UplinkSettings.forTest(pki, port: platform.addresses.alwaysOnPort)
            try await withUplink(settings, handler: EchoHandler()) { uplink in
                try await waitFor(uplink, "bound") { $0.phase == .bound }
                let session = try #require(platform.server.registry.session(for: "Dev1"))
                let read = try await session.request(RequestBody(method: .get, entityName: "Dev1", characteristic: .properties, target: "cpu"))
                #expect(read.content?.value("cpu") == .number(47.25))
                let large = String(repeating: "x", count: 30_000)
                let echoed = try await session.request(
                    RequestBody(method: .post, entityName: "Dev1", characteristic: .services, target: "Echo",
                        parameters: .single("text", .string(large))))
                #expect(echoed.content?.value("text") == .string(large))
            }
        }
    }

    @Test func defaultHandler_answersNotFound() async throws {
        let pki = try TestPKI()
        try await withPlatform(pki) { platform in
            let settings = try UplinkSettings.forTest(pki, port: platform.addresses.alwaysOnPort)
            try await withUplink(settings) { uplink in
                try await waitFor(uplink, "bound") { $0.phase == .bound }
                let session = try #require(platform.server.registry.session(for: "Dev1"))
                let reply = try await session.request(RequestBody(method: .get, entityName: "Dev1", characteristic: .properties, target: "x"))
                #expect(reply.status == .notFound)
            }
        }
    }

    @Test func send_whileOffline_failsAtOnce() async throws {
        let pki = try TestPKI()
        // Nothing listens on this port (bound and released by the platform below).
        let port = try await withPlatform(pki) { $0.addresses.alwaysOnPort }
        let settings = try UplinkSettings.forTest(pki, port: port)
        try await withUplink(settings) { uplink in
            await #expect(throws: UplinkError(.notConnected, "")) {
                _ = try await uplink.send(RequestBody(method: .get, entityName: "Dev1", characteristic: .properties, target: "x"))
            }
        }
    }
}
