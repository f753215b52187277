import Foundation
import OutpostLua
import Testing

/// The default sandbox: nothing that reaches the file system, the process or the VM's internals.
@Suite struct LuaSandboxTests {
    @Test func dangerousLibraries_areAbsent_andSafeOnesPresent() async throws {
        let lua = try await LuaTestSupport.runtime()
        let results = try await lua.execute("""
            return io == nil, debug == nil, dofile == nil, loadfile == nil, os.execute == nil, os.exit == nil,
                   os.remove == nil, os.rename == nil, os.getenv == nil, string.dump == nil, package.loadlib == nil,
                   type(os.time()), type(os.clock()), type(os.date("%Y"))
            """)
        #expect(Array(results.prefix(11)) == Array(repeating: .boolean(true), count: 11))
        #expect(Array(results.suffix(3)) == ["number", "number", "string"])
    }

    @Test func binaryChunk_isRefused() async throws {
        let lua = try await LuaTestSupport.runtime()
        let results = try await lua.execute(#"return load("\27LuaT\0\25\147\r\n\26\n")"#)
        #expect(results.first == .nil)
        #expect(results.dropFirst().first?.stringValue?.contains("binary chunks are not allowed") == true)
        let viaLoadstring = try await lua.execute(#"return loadstring("\27Lua")"#)
        #expect(viaLoadstring.first == .nil)
    }

    @Test func textChunks_stillLoad_withAndWithoutEnvironment() async throws {
        let lua = try await LuaTestSupport.runtime()
        let results = try await lua.execute("""
            local f = load("return 1 + 1")
            local g = load("return x", "=g", "t", { x = 5 })
            return f(), g()
            """)
        #expect(results == [2, 5])
    }

    @Test func require_onlyFindsModulesUnderTheScriptsDirectory() async throws {
        let directory = try LuaTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try LuaTestSupport.write("return { answer = 42 }", to: directory + "/lib/answer.lua")
        let lua = try await LuaTestSupport.runtime(scriptsDirectory: directory)
        #expect(try await lua.execute("return require('lib.answer').answer") == [42])
        for name in ["../etc/passwd", "socket.core", "os"] where name != "os" {
            do {
                try await lua.execute("return require('\(name)')")
                Issue.record("require('\(name)') should fail")
            } catch {
                #expect(error.kind == .runtime)
            }
        }
    }

    @Test func print_goesToTheLogNotStdout() async throws {
        let lua = try await LuaTestSupport.runtime()
        #expect(try await lua.execute("print('hello', 1, nil); return true") == [true])
    }
}
