import OutpostLua
import Testing

/// `tw_script.*`: listing and status through the host bridge; the functions that would change the
/// resource's scripts answer `nil, "not supported: …"`.
@Suite struct LuaScriptAPITests {
    struct Board: LuaHostBridge {
        func emsRequest(_ request: LuaHostRequest) -> LuaHostResponse { LuaHostResponse(code: 500, body: "unused") }
        func scriptStatuses() -> [LuaScriptStatus] {
            [LuaScriptStatus(name: "Pump", status: "running"), LuaScriptStatus(name: "Broken", status: "failed")]
        }
    }

    @Test func listAndStatusComeFromTheBridge() async throws {
        let lua = try await LuaRuntime(name: "scripts", options: .init(logger: LuaTestSupport.logger, bridge: Board()))
        let results = try await lua.execute("""
            local list = tw_script.getScriptList()
            local missing, message = tw_script.getStatus("Nope")
            return #list, list[1], list[2], tw_script.getStatus("Pump"), ps_script.getStatus("Broken"), missing, message
            """)
        #expect(results == [.integer(2), .string("Broken"), .string("Pump"), .string("running"), .string("failed"), .nil, .string("no script named 'Nope'")])
        lua.shutdown()
    }

    @Test func changingFunctionsAreNotSupported_andNoBridgeListsNothing() async throws {
        let lua = try await LuaTestSupport.runtime()
        let results = try await lua.execute("""
            local ok, message = tw_script.addScript("x", "x.lua")
            local ok2, message2 = tw_script.executeCallback("x", "GET", "/")
            return ok, message, ok2, message2, #tw_script.getScriptList()
            """)
        #expect(results[0] == .nil && results[2] == .nil)
        #expect(results[1] == .string("not supported: tw_script.addScript (Outpost runs the scripts configured in config.lua; change them there)"))
        #expect(results[3].stringValue?.hasPrefix("not supported: tw_script.executeCallback") == true)
        #expect(results[4] == .integer(0))
        lua.shutdown()
    }
}
