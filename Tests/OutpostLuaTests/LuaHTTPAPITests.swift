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
