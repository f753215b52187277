import Foundation
import OutpostConfig
import OutpostEMS
import OutpostSecrets
import OutpostTLS
import OutpostWire
import Testing

private typealias WireRequest = OutpostWire.RequestBody

/// A per-binding `cert_chain` (AddEdgeThing and `auto_bind`): the CA it names is trusted for that
/// thing's https callbacks only, verification staying on. Real TLS endpoints with a private CA made by
/// the openssl CLI.
@Suite("edge bindings: per-binding cert_chain")
struct EdgeCertChainTests {
    static let addPath = "/Thingworx/Things/LocalEms/Services/AddEdgeThing"

    @Test func addEdgeThingCertChainIsTrustedForThatBindingOnly() async throws {
        let pki = try await TestTLS.privateCA()
        let endpoint = try await EdgeEndpoint.start(tls: pki.server)
        defer { endpoint.task.cancel() }
        let directory = NSTemporaryDirectory() + "outpost-ems-certchain-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try #"{ "ws_servers": [{ "host": "127.0.0.1", "port": 1 }], "appKey": "k", "http_server": { "authenticate": false } }"#.write(
            toFile: directory + "/config.json", atomically: true, encoding: .utf8)
        let ems = try await EMSHarness.start(resolver: SecretResolver(keyFilePath: directory + "/secret.key")) {
            $0.configFile = directory + "/config.json"
        }
        defer { ems.stop() }

        let common = #""host":"127.0.0.1","port":\#(endpoint.port),"proto":"https","path":"/scripts/Thingworx","user":"luauser","password":"lua-secret""#
        let trusting = try await ems.curl("POST", Self.addPath, body: #"{"name":"Lsr01",\#(common),"cert_chain":["\#(pki.caPath)"],"persist":true}"#)
        #expect(trusting.status == 200, "\(trusting.body)")
        let plain = try await ems.curl("POST", Self.addPath, body: #"{"name":"Lsr02",\#(common)}"#)
        #expect(plain.status == 200, "\(plain.body)")

        let read = await ems.server.forwarder.handle(WireRequest(method: .get, entityName: "Lsr01", characteristic: .properties, target: "Temperature"))
        #expect(read.status == .success, "\(read.reason ?? "")")
        #expect(read.content?.value("Temperature") == .number(42))
        // The same endpoint for a binding without the CA: refused, verification is still on.
        let refused = await ems.server.forwarder.handle(WireRequest(method: .get, entityName: "Lsr02", characteristic: .properties, target: "Temperature"))
        // 503 when the handshake fails in time; on a machine loaded enough to stretch the failing handshake past
        // the 3 s connect timeout, 504. Either way the value is not served.
        #expect(refused.status == .serviceUnavailable || refused.status == .gatewayTimeout, "\(refused.status) \(refused.reason ?? "")")
        #expect(refused.content == nil)

        // Persisted with its cert_chain, and what was written loads back with it.
        let written = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/config.json"))))
        guard case .array(let list)? = written["auto_bind"] else {
            Issue.record("no auto_bind in \(written.serialized())")
            return
        }
        #expect(list.first?["cert_chain"] == .array([.string(pki.caPath)]))
        let loaded = try #require(EMSConfig.load(Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/config.json")))).config)
        #expect(loaded.autoBind.first?.certChain == [pki.caPath])
    }

    @Test func addEdgeThingRefusesACertChainItCannotRead() async throws {
        let ems = try await EMSHarness.start()
        defer { ems.stop() }
        let missing = NSTemporaryDirectory() + "outpost-no-such-ca-" + UUID().uuidString + ".pem"
        let reply = try await ems.curl("POST", Self.addPath, body: #"{"name":"Lsr01","host":"127.0.0.1","port":8001,"proto":"https","cert_chain":"\#(missing)"}"#)
        #expect(reply.status == 400)
        #expect(reply.json?["message"]?.stringValue?.contains("parameter 'cert_chain'") == true, "\(reply.body)")
        #expect(reply.json?["message"]?.stringValue?.contains(missing) == true, "\(reply.body)")
        let wrongType = try await ems.curl("POST", Self.addPath, body: #"{"name":"Lsr01","host":"127.0.0.1","port":8001,"cert_chain":42}"#)
        #expect(wrongType.status == 400)
        #expect(try await ems.curl("POST", "/Thingworx/Things/LocalEms/Services/HasEdgeThing", body: #"{"name":"Lsr01"}"#).body.contains(#""result":false"#))
    }

    @Test func autoBindCertChainIsLoadedAtStartAndAMissingFileStopsTheStart() async throws {
        let pki = try await TestTLS.privateCA()
        let endpoint = try await EdgeEndpoint.start(tls: pki.server)
        defer { endpoint.task.cancel() }
        func settings(certChain: String) throws -> EMSSettings {
            let text = #"""
                { "ws_servers": [{ "host": "127.0.0.1", "port": 1 }], "appKey": "k",
                  "http_server": { "host": "127.0.0.1", "port": 0, "ssl": false, "authenticate": false },
                  "auto_bind": [{ "name": "Lsr01", "host": "127.0.0.1", "port": \#(endpoint.port), "protocol": "https",
                                  "path": "/scripts/Thingworx", "user": "luauser", "password": "lua-secret",
                                  "cert_chain": "\#(certChain)" }] }
                """#
            let bytes = Array(text.utf8)
            let config = try #require(EMSConfig.load(bytes).config)
            return try EMSSettings(
                config: config, configBytes: bytes, resolver: SecretResolver(keyFilePath: "/nonexistent/secret.key"),
                stateDirectory: NSTemporaryDirectory(), version: "test")
        }
        let loaded = try settings(certChain: pki.caPath)
        #expect(loaded.bindings.first?.certChainRoots?.certificates.count == 1)
        let ems = try await EMSHarness.start { $0.bindings = loaded.bindings }
        defer { ems.stop() }
        let read = await ems.server.forwarder.handle(WireRequest(method: .get, entityName: "Lsr01", characteristic: .properties, target: "Temperature"))
        #expect(read.status == .success, "\(read.reason ?? "")")

        let missing = pki.caPath + ".missing"
        let error = #expect(throws: EMSSetupError.self) { _ = try settings(certChain: missing) }
        #expect(error?.message.contains("auto_bind[0].cert_chain (Lsr01)") == true, "\(String(describing: error))")
        #expect(error?.message.contains(missing) == true)
    }
}
