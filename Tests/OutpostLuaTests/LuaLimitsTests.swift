import Foundation
import OutpostLua
import Testing

/// Runaway loops, memory bombs and stuck scripts fail their own call and nothing else.
@Suite struct LuaLimitsTests {
    @Test func runawayLoop_failsWithBudgetErrorAndLine_whileAnotherStateKeepsAnswering() async throws {
        let runaway = try await LuaTestSupport.runtime("runaway", limits: LuaLimits(instructionBudget: 200_000_000, memoryCap: nil, timeout: nil))
        let healthy = try await LuaTestSupport.runtime("healthy")
        try await runaway.execute("""
            function spin()
              local n = 0
              while true do n = n + 1 end
            end
            """, chunkName: "@runaway.lua")
        try await healthy.execute("function ping(x) return x end")

        async let failure: LuaError? = {
            do throws(LuaError) {
                try await runaway.call("spin")
                return nil
            } catch {
                return error
            }
        }()
        // While the runaway state burns its budget on its own thread, the other one answers.
        var answers = 0
        for index in 0..<50 {
            let result = try await healthy.call("ping", [.integer(Int64(index))])
            if result == [.integer(Int64(index))] { answers += 1 }
        }
        #expect(answers == 50)
        let error = try #require(await failure)
        #expect(error.kind == .instructionBudget)
        #expect(error.message.hasPrefix("runaway.lua:3: instruction budget of 200000000 exceeded"), "\(error.message)")
        // The state is still usable.
        #expect(try await runaway.execute("return 'alive'") == ["alive"])
    }

    @Test func memoryBomb_failsWithMemoryError_andStateStaysUsable() async throws {
        // No wall-clock timeout: near the cap every allocation runs Lua's emergency full collection first, so the
        // bomb costs seconds of CPU, and on a loaded machine a timeout would win the race and fail it as `.timeout`
        // (a fresh-clone CI run under load did). The cap alone ends it.
        let lua = try await LuaTestSupport.runtime(limits: LuaLimits(instructionBudget: nil, memoryCap: 8 << 20, timeout: nil))
        try await lua.execute("""
            function bomb()
              local t = {}
              for i = 1, 1e9 do t[i] = ("x"):rep(64) .. i end
            end
            function strings() return ("y"):rep(100 * 1024 * 1024) end
            """, chunkName: "@bomb.lua")
        for function in ["bomb", "strings"] {
            do {
                try await lua.call(function)
                Issue.record("\(function) should run out of memory")
            } catch {
                #expect(error.kind == .memory, "\(error)")
                #expect(error.message.hasPrefix("memory cap of 8388608 bytes exceeded"))
            }
        }
        #expect(try await lua.execute("local t = {} for i = 1, 1000 do t[i] = i end return #t") == [1000])
        let inUse = try await lua.withState { state in state.memoryInUse }
        #expect(inUse < 4 << 20)
    }

    @Test func wallClockTimeout_stopsTheCall() async throws {
        let lua = try await LuaTestSupport.runtime(limits: LuaLimits(instructionBudget: nil, memoryCap: nil, timeout: 0.2))
        let started = Date()
        do {
            try await lua.execute("local x = 0\nwhile true do x = x + 1 end", chunkName: "@slow.lua")
            Issue.record("expected a timeout")
        } catch {
            #expect(error.kind == .timeout)
            #expect(error.message.hasPrefix("slow.lua:2: wall-clock timeout of 0.2 s exceeded"), "\(error.message)")
        }
        // The loop never ends by itself; the bound is loose because a loaded machine may not run the worker thread.
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(try await lua.execute("return 1") == [1])
    }

    @Test func errorsRaisedBySwiftFunctions_doNotLeakOrCrash_overThousandsOfCalls() async throws {
        let lua = try await LuaTestSupport.runtime()
        try await lua.execute("""
            function bad() return json.decode("{not json") end
            function caught() return pcall(json.decode, 42) end
            """, chunkName: "@native.lua")
        try await lua.withState { state in state.collectGarbage() }
        let before = try await lua.withState { state in state.memoryInUse }
        for _ in 0..<3_000 {
            do {
                try await lua.call("bad")
                Issue.record("expected an error")
            } catch {
                #expect(error.kind == .runtime)
                #expect(error.message.hasPrefix("native.lua:1: json.decode:"))
            }
            let caught = try await lua.call("caught")
            #expect(caught.first == .boolean(false))
        }
        try await lua.withState { state in state.collectGarbage() }
        let after = try await lua.withState { state in state.memoryInUse }
        #expect(after < before + 64 * 1024, "memory grew from \(before) to \(after)")
    }
}
