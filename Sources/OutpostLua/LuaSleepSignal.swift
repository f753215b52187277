import Foundation

/// Lets `tw_utils.psleep` end early when the thing is stopping (`ems-lsr.md` §4.8: psleep is
/// interruptible at shutdown). The sleeper waits on a condition on its own Lua thread; ``stop()`` may
/// come from any thread and wakes it. Once stopped, every later psleep returns at once, so a template's
/// loop reaches its `p_data.run` check without delay.
final class LuaSleepSignal: @unchecked Sendable {
    // @unchecked: every stored property is read and written only with `condition` locked.
    private let condition = NSCondition()
    private var stopped = false
    private var sleepers = 0

    /// Sleeps up to `milliseconds`; true when woken by ``stop()`` instead.
    func sleep(milliseconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: milliseconds / 1000)
        condition.lock()
        defer { condition.unlock() }
        sleepers += 1
        defer { sleepers -= 1 }
        while !stopped {
            if !condition.wait(until: deadline) { return stopped }
        }
        return true
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    var isSleeping: Bool {
        condition.lock()
        defer { condition.unlock() }
        return sleepers > 0
    }
}
