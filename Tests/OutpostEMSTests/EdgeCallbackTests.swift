import Foundation
import Hummingbird
import HummingbirdTLS
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import OutpostEMS
import OutpostSecrets
import OutpostTLS
import OutpostWire
import Testing

private typealias WireRequest = OutpostWire.RequestBody

/// A small HTTPS endpoint standing in for the Lua script resource.
struct EdgeEndpoint {
    let port: Int
    let task: Task<Void, any Error>
    let requests: NIOLockedValueBox<[String]>

    static func start(port: Int = 0, tls given: TestTLS? = nil) async throws -> EdgeEndpoint {
        let tls = try given ?? TestTLS.make()
        let requests = NIOLockedValueBox<[String]>([])
        let router = Router()
        router.get("/scripts/Thingworx/Things/:thing/Properties/:name") { request, context -> Response in
            let authorization = request.headers[.authorization] ?? "-"
            requests.withLockedValue { $0.append("GET \(request.uri.path) \(authorization)") }
            guard authorization == "Basic " + Data("luauser:lua-secret".utf8).base64EncodedString() else {
                return Response(status: .unauthorized)
            }
            let name = context.parameters.get("name") ?? "?"
            let body = #"{"rows":[{"\#(name)":42}],"dataShape":{"fieldDefinitions":{"\#(name)":{"name":"\#(name)","baseType":"NUMBER"}}}}"#
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.get("/scripts/Thingworx/Things/:thing/Properties") { request, _ -> Response in
            requests.withLockedValue { $0.append("GET \(request.uri.path)") }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        router.post("/scripts/Thingworx/Things/:thing/Services/:name") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 65536)
            requests.withLockedValue { $0.append("POST \(request.uri.path) \(String(buffer: body))") }
            return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "done")))
        }
        let ready = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            server: try .tls(.http1(), tlsConfiguration: .outpostServerForTests(tls)),
            configuration: .init(address: .hostname("127.0.0.1", port: port), reuseAddress: true),
            onServerRunning: { channel in ready.continuation.yield(channel.localAddress?.port ?? 0) })
        let task = Task { try await app.runService() }
        var port = 0
        for await bound in ready.stream {
            port = bound
            break
        }
        return EdgeEndpoint(port: port, task: task, requests: requests)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

extension TLSConfiguration {
    static func outpostServerForTests(_ tls: TestTLS) -> TLSConfiguration {
        .makeServerConfiguration(certificateChain: tls.identity.certificateSources, privateKey: tls.identity.privateKeySource)
    }
}


@Suite("Platform → edge")
struct EdgeCallbackTests {
    @Test func platformRequestsReachTheRegisteredHTTPSEndpoint() async throws {
        let endpoint = try await EdgeEndpoint.start()
        defer { endpoint.task.cancel() }
        let ems = try await EMSHarness.start()
        defer { ems.stop() }
        let add = try await ems.curl(
            "POST", "/Thingworx/Things/LocalEms/Services/AddEdgeThing",
            body: #"{"name":"Pump01","host":"127.0.0.1","port":"\#(endpoint.port)","proto":"https","path":"/scripts/Thingworx","user":"luauser","password":"lua-secret","allow_self_signed":true}"#)
        #expect(add.status == 200)
        let read = await ems.server.forwarder.handle(
            WireRequest(method: .get, entityName: "Pump01", characteristic: .properties, target: "Temperature"))
        #expect(read.status == .success)
        #expect(read.content?.value("Temperature") == .number(42))
        let call = await ems.server.forwarder.handle(
            WireRequest(method: .post, entityName: "Pump01", characteristic: .services, target: "Start", parameters: .single("speed", .number(3))))
        #expect(call.status == .success)
        #expect(call.content == .single("result", .string("done")))
        let seen = endpoint.requests.withLockedValue { $0 }
        #expect(seen.contains { $0.hasPrefix("POST /scripts/Thingworx/Things/Pump01/Services/Start") && $0.contains(#""speed":3"#) })
        let unknown = await ems.server.forwarder.handle(
            WireRequest(method: .get, entityName: "Nobody", characteristic: .properties, target: "x"))
        #expect(unknown.status == .notFound)
    }

    @Test func wrongEdgeCredentialsComeBackAsUnauthorized() async throws {
        let endpoint = try await EdgeEndpoint.start()
        defer { endpoint.task.cancel() }
        let ems = try await EMSHarness.start { settings in
            settings.bindings = [
                EdgeBinding(name: "Pump02", host: "127.0.0.1", port: endpoint.port, scheme: .https, path: "/scripts/Thingworx", user: "luauser", password: .init("nope"), allowSelfSigned: true)
            ]
        }
        defer { ems.stop() }
        let read = await ems.server.forwarder.handle(
            WireRequest(method: .get, entityName: "Pump02", characteristic: .properties, target: "Temperature"))
        #expect(read.status == .unauthorized)
    }

    @Test func selfSignedEndpointIsRefusedUnlessAllowed() async throws {
        let endpoint = try await EdgeEndpoint.start()
        defer { endpoint.task.cancel() }
        let ems = try await EMSHarness.start { settings in
            settings.bindings = [EdgeBinding(name: "Strict", host: "127.0.0.1", port: endpoint.port, scheme: .https, path: "/scripts/Thingworx")]
        }
        defer { ems.stop() }
        let read = await ems.server.forwarder.handle(
            WireRequest(method: .get, entityName: "Strict", characteristic: .properties, target: "Temperature"))
        #expect(read.status == .serviceUnavailable)
    }

    @Test func unreachableEndpointsAreUnboundAndReboundWhenTheyReturn() async throws {
        let port = try freePort()
        let link = ScriptedLink()
        let events = link.eventStream()
        let ems = try await EMSHarness.start(link: link) { settings in
            settings.probeInterval = .milliseconds(50)
            settings.unbindAfterFailures = 2
            settings.bindings = [
                EdgeBinding(name: "Flaky", host: "127.0.0.1", port: port, scheme: .https, path: "/scripts/Thingworx", allowSelfSigned: true)
            ]
        }
        defer { ems.stop() }
        var iterator = events.makeAsyncIterator()
        #expect(await iterator.next() == .unbind("Flaky"))
        let back = try await EdgeEndpoint.start(port: port)
        defer { back.task.cancel() }
        #expect(await iterator.next() == .bind("Flaky"))
    }

    @Test func endpointWithAPrivateCACertificateIsVerifiedAgainstCertChain() async throws {
        let pki = try await TestTLS.privateCA()
        let endpoint = try await EdgeEndpoint.start(tls: pki.server)
        defer { endpoint.task.cancel() }
        let binding = EdgeBinding(
            name: "Lsr01", host: "127.0.0.1", port: endpoint.port, scheme: .https, path: "/scripts/Thingworx", user: "luauser",
            password: .init("lua-secret"), fromConfig: true)
        let trusting = try await EMSHarness.start { settings in
            settings.bindings = [binding]
            settings.edgeTrustRoots = [pki.caPath]
        }
        defer { trusting.stop() }
        let read = await trusting.server.forwarder.handle(
            WireRequest(method: .get, entityName: "Lsr01", characteristic: .properties, target: "Temperature"))
        #expect(read.status == .success, "\(read.reason ?? "")")
        #expect(read.content?.value("Temperature") == .number(42))

        // Without the CA the same endpoint is refused (verification stays on).
        let strict = try await EMSHarness.start { $0.bindings = [binding] }
        defer { strict.stop() }
        let refused = await strict.server.forwarder.handle(
            WireRequest(method: .get, entityName: "Lsr01", characteristic: .properties, target: "Temperature"))
        #expect(refused.status == .serviceUnavailable)
    }
}
