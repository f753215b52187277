import Foundation
import Logging
@testable import OutpostLSR
import OutpostLua
import Testing

/// `tw_http.*` from real Lua through the LSR's ``ScriptHTTPClient`` to a real listener on 127.0.0.1.
@Suite struct ScriptHTTPTests {
    /// Reaches the EMS nowhere; only `tw_http` goes out.
    struct HTTPOnlyBridge: LuaHostBridge {
        let http: ScriptHTTPClient
        func emsRequest(_ request: LuaHostRequest) -> LuaHostResponse { LuaHostResponse(code: 503, body: "no EMS in this test") }
        func httpRequest(_ request: LuaHTTPRequest) -> LuaHTTPResponse { http.perform(request) }
    }

    static func runtime(timeout: Duration = .seconds(5)) async throws -> LuaRuntime {
        let logger = Logger(label: "outpost.lsr.test", factory: { _ in SwiftLogNoOpLogHandler() })
        return try await LuaRuntime(name: "http", options: .init(logger: logger, bridge: HTTPOnlyBridge(http: ScriptHTTPClient(timeout: timeout))))
    }

    @Test func getReturnsBodyCodeAndHeaders_withQueryAndHeaders() async throws {
        let server = try await EchoHTTPServer()
        let lua = try await Self.runtime()
        let results = try await lua.execute("""
            local body, code, headers = tw_http.get("127.0.0.1", \(server.port), "/status", { ["X-Test"] = "abc" }, { b = "2 3", a = "1" })
            local echo = json.decode(body)
            return code, echo.method, echo.path, echo.xtest, headers["X-Echo"]
            """)
        #expect(results == [.integer(200), .string("GET"), .string("/status?a=1&b=2%203"), .string("abc"), .string("yes")])
        lua.shutdown()
        await server.close()
    }

    @Test func postFormTableAndPutString_sendBodies() async throws {
        let server = try await EchoHTTPServer()
        let lua = try await Self.runtime()
        let results = try await lua.execute("""
            local body, code = tw_http.post("http://127.0.0.1", \(server.port), "/form", { x = "1", y = "a&b" })
            local form = json.decode(body)
            local body2, code2 = tw_http.put("127.0.0.1", \(server.port), "/raw", '{"v":1}', { ["Content-Type"] = "application/json" })
            local raw = json.decode(body2)
            local _, code3 = tw_http.delete("127.0.0.1", \(server.port), "/missing/item")
            return code, form.method, form.body, form.contentType, code2, raw.method, raw.body, raw.contentType, code3
            """)
        #expect(results == [
            .integer(200), .string("POST"), .string("x=1&y=a%26b"), .string("application/x-www-form-urlencoded"),
            .integer(200), .string("PUT"), .string(#"{"v":1}"#), .string("application/json"), .integer(404),
        ])
        lua.shutdown()
        await server.close()
    }

    @Test func silentServerTimesOutWith504_andClosedPortIs503() async throws {
        let server = try await EchoHTTPServer()
        let lua = try await Self.runtime(timeout: .milliseconds(300))
        let results = try await lua.execute("""
            local body, code = tw_http.get("127.0.0.1", \(server.port), "/silent")
            return code, body
            """)
        #expect(results.first == .integer(504))
        #expect(results.last?.stringValue?.contains("no answer from http://127.0.0.1:\(server.port)") == true)
        let port = server.port
        await server.close()
        let refused = try await lua.execute("local body, code = tw_http.get('127.0.0.1', \(port), '/'); return code, body")
        #expect(refused.first == .integer(503))
        #expect(refused.last?.stringValue?.contains("request to http://127.0.0.1:\(port) failed") == true)
        lua.shutdown()
    }

    /// The EMS's own certificate is self-signed: https:// must refuse it (verification against the
    /// system trust store cannot be switched off by a script).
    @Test func httpsRefusesAnUntrustedCertificate() async throws {
        let world = try LSRWorld()
        let ems = try await world.startEMS(port: try freePort(), platform: nil, ownCertificate: true)
        defer { ems.process.terminate() }
        let lua = try await Self.runtime()
        let results = try await lua.execute("local body, code = tw_http.get('https://127.0.0.1', \(ems.port), '/'); return code, body")
        #expect(results.first == .integer(503), "\(results)")
        let message = results.last?.stringValue ?? ""
        #expect(message.contains("request to https://127.0.0.1:\(ems.port) failed"), "\(message)")
        #expect(message.lowercased().contains("certificate") || message.lowercased().contains("handshake"), "\(message)")
        lua.shutdown()
    }

    @Test func badArgumentsRaiseClearErrors() async throws {
        let lua = try await Self.runtime()
        await #expect(throws: LuaError.self) { try await lua.execute("tw_http.get('127.0.0.1', 0, '/')") }
        do {
            try await lua.execute("tw_http.get('ftp://example.com', 21, '/')")
            Issue.record("expected an error for ftp://")
        } catch {
            #expect(error.message.contains("unsupported scheme 'ftp'"))
        }
        lua.shutdown()
    }
}
