import Foundation
import OutpostLua
import Testing

/// Lua 5.1 idioms templates written for the original use.
@Suite struct LuaCompatibilityTests {
    @Test func lua51Functions_exist() async throws {
        let lua = try await LuaTestSupport.runtime()
        let results = try await lua.execute("""
            local a, b = unpack({ 1, 2 })
            local f = loadstring("return 7")
            return a + b, table.getn({ 1, 2, 3 }), math.pow(2, 10), f(), math.mod(7, 3)
            """)
        #expect(results == [3, 3, 1024.0, 7, 1])
    }

    @Test func setfenvAndGetfenv_changeAFunctionsGlobals() async throws {
        let lua = try await LuaTestSupport.runtime()
        let results = try await lua.execute("""
            local function f() return greeting end
            local env = { greeting = "hi" }
            setfenv(f, env)
            return f(), getfenv(f) == env, getfenv(print) == _G
            """)
        #expect(results == ["hi", true, true])
    }

    @Test func module_withSeeall_makesTheCallersGlobalsTheModule() async throws {
        let directory = try LuaTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try LuaTestSupport.write("""
            module("util.counter", package.seeall)
            count = 0
            function bump(n) count = count + (n or 1); return count end
            """, to: directory + "/util/counter.lua")
        let lua = try await LuaTestSupport.runtime(scriptsDirectory: directory)
        let results = try await lua.execute("""
            local c = require("util.counter")
            c.bump(); c.bump(4)
            return c.count, util.counter == c, c._NAME, count == nil
            """)
        #expect(results == [5, true, "util.counter", true])
    }

    @Test func frameworkModules_resolveByTheOriginalsNames() async throws {
        let lua = try await LuaTestSupport.runtime()
        let results = try await lua.execute("""
            return require("json") == json, require("thingworx.utils") == tw_utils, type(require("template").extend),
                   type(require("thingworx.shapes.metadata")), type(tw_utils.aes_encrypt), type(ps_rap.get)
            """)
        #expect(results == [true, true, "function", "table", "function", "function"])
    }
}
