import Foundation

/// A dedicated OS thread running jobs one after another: the only thread that touches its Lua state.
///
/// Not Swift's cooperative pool: a script may block (psleep, a long loop up to its limits), and that
/// must stall only its own state, never the gateway's async tasks (swift-notes.md gotcha 17).
final class LuaWorkerThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var stopping = false

    init(name: String) {
        let thread = Thread { [self] in self.loop() }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Queues a job; false when the thread is stopping (the job will not run).
    @discardableResult
    func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// Runs the queued jobs, then `last`, then ends the thread.
    func stop(after last: @escaping @Sendable () -> Void = {}) {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return }
        jobs.append(last)
        stopping = true
        condition.signal()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty && stopping {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
