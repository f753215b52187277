import Foundation
import OutpostLua
import Testing

/// `tw_utils.psleep`: sleeps on the state's thread, and ends early when the thing is stopping.
@Suite struct LuaSleepTests {
    @Test func psleepSleepsForShortDelays() async throws {
        let lua = try await LuaTestSupport.runtime()
        let results = try await lua.execute("""
            local t0 = tw_utils.currentTime()
            local interrupted = tw_utils.psleep(30)
            return tw_utils.currentTime() - t0, interrupted
            """)
        #expect((results.first?.integerValue ?? 0) >= 29)
        #expect(results.last == .boolean(false))
        lua.shutdown()
    }

    @Test func interruptSleeps_wakesALongPsleep_andLaterOnesReturnAtOnce() async throws {
        let lua = try await LuaTestSupport.runtime()
        let sleeper = Task {
            try await lua.execute("""
                local t0 = tw_utils.currentTime()
                local first = tw_utils.psleep(30000)
                local second = tw_utils.psleep(30000)
                return tw_utils.currentTime() - t0, first, second
                """)
        }
        let deadline = Date().addingTimeInterval(10)
        while !lua.isSleeping && Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(lua.isSleeping)
        lua.interruptSleeps()
        let results = try await sleeper.value
        #expect((results.first?.integerValue ?? .max) < 10_000, "psleep(30000) was not cut short: \(results)")
        #expect(Array(results.dropFirst()) == [.boolean(true), .boolean(true)])
        #expect(!lua.isSleeping)
        lua.shutdown()
    }

    @Test func psleepRejectsANonNumber() async throws {
        let lua = try await LuaTestSupport.runtime()
        await #expect(throws: LuaError.self) { try await lua.execute("tw_utils.psleep('soon')") }
        lua.shutdown()
    }
}
