import Foundation
import OutpostLua
import Testing

/// The runtime: calls on its own thread, errors with file:line, and a state that survives them.
@Suite struct LuaRuntimeTests {
    @Test func call_returnsResultsOfAGlobalFunction() async throws {
        let lua = try await LuaTestSupport.runtime()
        try await lua.execute("function add(a, b) return a + b, 'sum' end")
        let results = try await lua.call("add", [2, 40])
        #expect(results == [.integer(42), .string("sum")])
    }

    @Test func scriptError_carriesFileAndLine_andStateStaysUsable() async throws {
        let lua = try await LuaTestSupport.runtime()
        try await lua.execute("""
            local x = 1
            function boom() error("sensor offline") end
            function ok() return x end
            """, chunkName: "@boom.lua")
        await #expect(throws: LuaError.self) { try await lua.call("boom") }
        do {
            try await lua.call("boom")
        } catch {
            #expect(error.kind == .runtime)
            #expect(error.message == "boom.lua:2: sensor offline")
        }
        #expect(try await lua.call("ok") == [.integer(1)])
    }

    @Test func syntaxError_namesLine() async throws {
        let lua = try await LuaTestSupport.runtime()
        do {
            try await lua.execute("x = 1\ny = = 2\n", chunkName: "@bad.lua")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.kind == .syntax)
            #expect(error.message.hasPrefix("bad.lua:2:"))
        }
    }

    @Test func callOfMissingFunction_isNotFound() async throws {
        let lua = try await LuaTestSupport.runtime()
        do {
            try await lua.call("nope.really")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .notFound)
        }
    }

    @Test func shutdown_makesLaterCallsFailClosed() async throws {
        let lua = try await LuaTestSupport.runtime()
        lua.shutdown()
        do {
            try await lua.execute("return 1")
            Issue.record("expected closed")
        } catch {
            #expect(error.kind == .closed)
        }
    }
}
