import Foundation

/// A task executor on threads of its own, for test bodies that block: they run `openssl`, `curl` or
/// `outpost` as processes and wait for them synchronously.
///
/// Swift's cooperative pool has one thread per core (two on the CI machine). A test that blocks one
/// of them for the length of an `openssl` run stalls every other test's async work meanwhile, and
/// with several such tests at once a test that only polls a watcher, or awaits a Lua call, saw
/// nothing progress for tens of seconds (fresh-clone CI runs failed on such waits). Test bodies
/// that prefer this executor block only its threads.
///
/// The pool grows: a job that finds no idle thread gets a new one (up to ``maximumThreads``). With a
/// fixed 12 threads, the suites' blocking `openssl` runs at start-up, slow on a loaded machine, held
/// all of them at once, and the async work of the same suites (an uplink binding, a test waiting for
/// its state) queued behind them past the tests' 15 s waits: one fresh-clone CI run failed 22 uplink
/// checks that way. Waiting for a child process costs a thread, not a core.
public final class BlockingWorkExecutor: TaskExecutor, @unchecked Sendable {
    /// Shared by every suite that asks for ``Trait/blockingWork``.
    public static let shared = BlockingWorkExecutor()

    static let maximumThreads = 48

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    /// Threads waiting for a job (some may have been signalled and not yet taken one).
    private var idle = 0
    private var threads = 0

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        // Every queued job needs a thread of its own that is free now; otherwise one more is started.
        let grow = jobs.count > idle && threads < Self.maximumThreads
        if grow { threads += 1 }
        let index = threads
        condition.signal()
        condition.unlock()
        if grow {
            let thread = Thread { [unowned self] in self.loop() }
            thread.name = "test-blocking-\(index)"
            thread.start()
        }
    }

    private func loop() {
        while true {
            condition.lock()
            idle += 1
            while jobs.isEmpty { condition.wait() }
            idle -= 1
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
