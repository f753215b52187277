import Foundation
import NIOConcurrencyHelpers
import OutpostTestSupport
import Testing

/// Short runs of the outbox harnesses. Full runs (documented in the README):
///   OUTPOST_OUTBOX_CRASH_CYCLES=50 swift test --filter OutboxHarnessTests/crash
///   OUTPOST_OUTBOX_OUTAGE_SECONDS=300 swift test --filter OutboxHarnessTests/outage
/// Each prints its figures (acknowledged, lost, duplicates, out of order).
@Suite("Outbox harness: outpost ems killed, platform stopped", .serialized, .blockingWork)
struct OutboxHarnessTests {
    static func setting(_ name: String, default value: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap(Int.init) ?? value
    }

    @Test func crash() async throws {
        let cycles = Self.setting("OUTPOST_OUTBOX_CRASH_CYCLES", default: 5)
        let harness = try OutboxHarness(things: 4)
        defer { harness.shutdown() }
        try await harness.startPlatform()
        let load = harness.startLoad()
        var generator = SystemRandomNumberGenerator()
        for cycle in 0..<cycles {
            try await harness.startEMS()
            // Half the cycles also lose the platform for a moment, so some writes are queued when the kill comes.
            if cycle % 2 == 1 {
                try await Task.sleep(for: .milliseconds(Int.random(in: 100...400, using: &generator)))
                try await harness.stopPlatform()
                try await harness.startPlatform()
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 200...1_200, using: &generator)))
            try await harness.killEMS()
        }
        try await harness.startEMS()
        try await Task.sleep(for: .milliseconds(300))
        await harness.stopLoad(load)
        try await harness.waitForDrain()
        let report = try await harness.check()
        print("outbox crash harness: \(cycles) SIGKILL cycles, \(report); answers \(harness.answered.withLockedValue { $0 }), first refusals \(harness.refusals.withLockedValue { $0 })")
        #expect(report.acknowledged > 0)
        #expect(report.lost == 0)
        #expect(report.outOfOrder == 0)
        // A platform stopping under load answers "try later", which the EMS stores: never a 500.
        #expect(harness.refusals.withLockedValue { $0[500] } == nil)
    }

    @Test func outage() async throws {
        let seconds = Self.setting("OUTPOST_OUTBOX_OUTAGE_SECONDS", default: 3)
        let harness = try OutboxHarness(things: 4)
        defer { harness.shutdown() }
        try await harness.startPlatform()
        try await harness.startEMS()
        let load = harness.startLoad()
        try await Task.sleep(for: .milliseconds(500))
        try await harness.stopPlatform()
        try await Task.sleep(for: .seconds(seconds))
        let accepted = harness.answered.withLockedValue { $0[202] ?? 0 }
        try await harness.startPlatform()
        try await Task.sleep(for: .milliseconds(500))
        await harness.stopLoad(load)
        try await harness.waitForDrain()
        let report = try await harness.check()
        print("outbox outage harness: platform down \(seconds) s, \(report); answers \(harness.answered.withLockedValue { $0 }), first refusals \(harness.refusals.withLockedValue { $0 })")
        #expect(accepted > 0, "writes during the outage were answered 202")
        #expect(report.lost == 0)
        #expect(report.outOfOrder == 0)
        // A platform stopping under load answers "try later", which the EMS stores: never a 500.
        #expect(harness.refusals.withLockedValue { $0[500] } == nil)
    }

    /// SIGTERM while edges push and the outbox replays: both processes must stop promptly and
    /// cleanly (exit 0), and nothing acknowledged may be lost across the restarts.
    /// `OUTPOST_SHUTDOWN_CYCLES` (default 3) sets how many times each is stopped.
    @Test func sigterm_underLoad_exitsPromptly() async throws {
        let cycles = Self.setting("OUTPOST_SHUTDOWN_CYCLES", default: 3)
        let harness = try OutboxHarness(things: 4)
        defer { harness.shutdown() }
        try await harness.startPlatform()
        try await harness.startEMS()
        let load = harness.startLoad()
        for cycle in 0..<cycles {
            try await harness.waitForWrites(more: 50)
            let platformExit = await harness.terminatePlatform(within: 10)
            #expect(platformExit == 0, "outpost platform, cycle \(cycle): exit \(platformExit.map(String.init) ?? "none within 10 s")")
            try await harness.startPlatform()
            try await harness.waitForWrites(more: 50)
            let emsExit = await harness.terminateEMS(within: 10)
            #expect(emsExit == 0, "outpost ems, cycle \(cycle): exit \(emsExit.map(String.init) ?? "none within 10 s")")
            try await harness.startEMS()
        }
        await harness.stopLoad(load)
        try await harness.waitForDrain()
        let report = try await harness.check()
        print("outbox shutdown harness: \(cycles) SIGTERM cycles each, \(report)")
        #expect(report.acknowledged > 0)
        #expect(report.lost == 0)
        #expect(report.outOfOrder == 0)
        // A platform stopping under load answers "try later", which the EMS stores: never a 500.
        #expect(harness.refusals.withLockedValue { $0[500] } == nil)
    }
}
