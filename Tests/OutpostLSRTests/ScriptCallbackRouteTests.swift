import Foundation
import Logging
import NIOCore
@testable import OutpostLSR
import OutpostLua
import Testing

/// `/scripts/{script}/{path…}` on the real callback listener reaches the script's `tw_http.registerCallback`
/// function; the `/scripts/Thingworx/…` routes are unaffected.
@Suite struct ScriptCallbackRouteTests {
    @Test func listenerForwardsScriptPathsToRegisteredCallbacks() async throws {
        let port = try freePort()
        let settings = try await LSRSettingsTests.settings(LSRSettingsTests.plain + "scripts.script_resource_host = \"127.0.0.1\"\nscripts.script_resource_port = \(port)\n")
        let directory = NSTemporaryDirectory() + "outpost-lsr-callback-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/templates", withIntermediateDirectories: true)
        try """
            module("templates.cb", thingworx.template.extend)
            function status(method, parts, headers, query, data)
              return 200, { method = method, path = table.concat(parts, "/"), q = query.q, got = data.content and data.content.v }
            end
            tw_http.registerCallback("status", "status")
            """.write(toFile: directory + "/templates/cb.lua", atomically: false, encoding: .utf8)
        let logger = Logger(label: "outpost.lsr.test", factory: { _ in SwiftLogNoOpLogHandler() })
        let thing = try await LuaThing.load(name: "Cb01", template: "cb", pData: LuaTable(), options: .init(scriptsDirectory: directory, logger: logger))
        defer { thing.shutdown() }
        let server = CallbackServer(listener: settings.listener, things: ThingDirectory([thing]), refresh: SubscriptionRefresh(), logger: logger)
        let running = Task { try await server.run() }
        defer { running.cancel() }
        let address = try await server.address()
        let client = OffPoolClient(http: ScriptHTTPClient(timeout: .seconds(5)))
        let auth = "Basic " + Data("luauser:lua-pw".utf8).base64EncodedString()
        let answer = await client.perform(LuaHTTPRequest(
            method: "POST", host: "127.0.0.1", port: address.port ?? 0, path: "/scripts/Cb01/status/now?q=7",
            body: #"{"v":"x"}"#, headers: ["Authorization": auth, "Content-Type": "application/json"]))
        #expect(answer.code == 200, "\(answer)")
        #expect(answer.body.contains(#""method":"POST""#) && answer.body.contains(#""path":"status/now""#), "\(answer.body)")
        #expect(answer.body.contains(#""q":"7""#) && answer.body.contains(#""got":"x""#), "\(answer.body)")
        let missing = await client.perform(LuaHTTPRequest(method: "GET", host: "127.0.0.1", port: address.port ?? 0, path: "/scripts/Cb01/other", headers: ["Authorization": auth]))
        #expect(missing.code == 404 && missing.body.contains("Path /other not found"), "\(missing)")
        let unknown = await client.perform(LuaHTTPRequest(method: "GET", host: "127.0.0.1", port: address.port ?? 0, path: "/scripts/Nobody/status", headers: ["Authorization": auth]))
        #expect(unknown.code == 404 && unknown.body.contains("Script 'Nobody' not found"), "\(unknown)")
        let refused = await client.perform(LuaHTTPRequest(method: "GET", host: "127.0.0.1", port: address.port ?? 0, path: "/scripts/Cb01/status"))
        #expect(refused.code == 401)
        let things = await client.perform(LuaHTTPRequest(method: "GET", host: "127.0.0.1", port: address.port ?? 0, path: "/scripts/Thingworx/Things", headers: ["Authorization": auth]))
        #expect(things.code == 200 && things.body.contains("Cb01"), "\(things)")
    }
}

/// ``ScriptHTTPClient`` blocks its caller; tests call it from a thread of their own, as the Lua thread
/// would, never from Swift's cooperative pool.
struct OffPoolClient {
    let http: ScriptHTTPClient

    func perform(_ request: LuaHTTPRequest) async -> LuaHTTPResponse {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: http.perform(request)) }
        }
    }
}
