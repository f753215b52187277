import Foundation
import OutpostLua
import Synchronization
import Testing

/// `tw_http.*` on the Lua side: how the script's arguments become a ``LuaHTTPRequest`` and how the
/// answer comes back as `body, code, respHeaders`. The real client is tested in OutpostLSRTests.
@Suite struct LuaHTTPAPITests {
    /// Records the requests it is given and answers 201 with a header.
    final class RecordingBridge: LuaHostBridge {
        let seen = Mutex<[LuaHTTPRequest]>([])
        func emsRequest(_ request: LuaHostRequest) -> LuaHostResponse { LuaHostResponse(code: 500, body: "unused") }
        func httpRequest(_ request: LuaHTTPRequest) -> LuaHTTPResponse {
            seen.withLock { $0.append(request) }
            return LuaHTTPResponse(code: 201, body: "made", headers: ["Location": "/items/7"])
        }
    }

    @Test func argumentsBecomeTheRequest_andAnswerIsBodyCodeHeaders() async throws {
        let bridge = RecordingBridge()
        let lua = try await LuaRuntime(name: "http", options: .init(logger: LuaTestSupport.logger, bridge: bridge))
        let results = try await lua.execute("""
            local body, code, headers = tw_http.post("https://api.example.com/", 8443, "items", { n = "7" }, { Accept = "text/plain" })
            return body, code, headers.Location
            """)
        #expect(results == [.string("made"), .integer(201), .string("/items/7")])
        let request = try #require(bridge.seen.withLock { $0 }.first)
        #expect(request == LuaHTTPRequest(
            method: "POST", scheme: "https", host: "api.example.com", port: 8443, path: "/items", body: "n=7",
            headers: ["Accept": "text/plain", "Content-Type": "application/x-www-form-urlencoded"]))
        #expect(request.url == "https://api.example.com:8443/items")
        lua.shutdown()
    }

    @Test func withoutABridge_answers503WithAReason() async throws {
        let lua = try await LuaTestSupport.runtime()
        let results = try await lua.execute("local body, code, headers = tw_http.get('127.0.0.1', 80, '/'); return code, body, type(headers)")
        #expect(results.first == .integer(503))
        #expect(results[1].stringValue?.contains("no HTTP client for tw_http") == true)
        #expect(results.last == .string("table"))
        lua.shutdown()
    }

    @Test func bridgeWithoutHTTP_answers503() async throws {
        struct EMSOnly: LuaHostBridge {
            func emsRequest(_ request: LuaHostRequest) -> LuaHostResponse { LuaHostResponse(code: 200, body: "{}") }
        }
        let lua = try await LuaRuntime(name: "http", options: .init(logger: LuaTestSupport.logger, bridge: EMSOnly()))
        let results = try await lua.execute("local _, code = tw_http.delete('10.0.0.1', 80, '/x'); return code")
        #expect(results == [.integer(503)])
        lua.shutdown()
    }
}

/// `tw_http.registerCallback`: `/scripts/{script}/{path…}` reaches the registered global function.
@Suite struct LuaHTTPCallbackTests {
    static let template = """
        module("templates.callbacks", thingworx.template.extend)
        function answerItem(method, parts, headers, query, data)
          return 200, { method = method, parts = table.concat(parts, ","), who = headers["X-Who"], q = query.q,
            got = type(data.content) == "table" and data.content.v or data.content }
        end
        function answerRaw(method, parts) return 201, { ["X-Done"] = "yes" }, "raw:" .. #parts end
        function broken() error("callback broke") end
        tw_http.registerCallback("items", "answerItem")
        tw_http.registerCallback("items/raw", "answerRaw")
        tw_http.registerCallback("boom", "broken")
        tw_http.registerCallback("ghost", "noSuchFunction")
        """

    @Test func registeredFunctionsAnswer_longestPathWins_errorsAreClear() async throws {
        let directory = try LuaThingTests.scripts(["callbacks": Self.template])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let thing = try await LuaThing.load(name: "Cb01", template: "callbacks", pData: LuaTable(), options: LuaThingTests.options(directory))
        defer { thing.shutdown() }
        let item = await thing.httpCallback(method: "POST", path: ["items", "7"], headers: ["X-Who": "ems"], query: ["q": "1"], body: #"{"v":42}"#)
        #expect(item.code == 200 && item.headers["Content-Type"] == "application/json", "\(item)")
        let decoded = try JSONSerialization.jsonObject(with: Data(item.body.utf8)) as? [String: Any]
        #expect(decoded?["method"] as? String == "POST" && decoded?["parts"] as? String == "items,7")
        #expect(decoded?["who"] as? String == "ems" && decoded?["q"] as? String == "1" && decoded?["got"] as? Int == 42)
        let raw = await thing.httpCallback(method: "GET", path: ["items", "raw", "x"], headers: [:], query: [:], body: "plain")
        #expect(raw == LuaCallbackResponse(code: 201, headers: ["X-Done": "yes"], body: "raw:3"))
        let missing = await thing.httpCallback(method: "GET", path: ["nothing", "here"], headers: [:], query: [:], body: nil)
        #expect(missing == LuaCallbackResponse(code: 404, body: "Path /nothing/here not found"))
        let boom = await thing.httpCallback(method: "GET", path: ["boom"], headers: [:], query: [:], body: nil)
        #expect(boom.code == 500 && boom.body.contains("callback broke"))
        let ghost = await thing.httpCallback(method: "GET", path: ["ghost"], headers: [:], query: [:], body: nil)
        #expect(ghost.code == 500 && ghost.body.contains("'noSuchFunction' for /ghost is not a global function"))
    }
}
