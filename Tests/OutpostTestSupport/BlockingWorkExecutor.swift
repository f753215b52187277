import Foundation

/// A task executor on threads of its own, for test bodies that block: they run `openssl`, `curl` or
/// `outpost` as processes and wait for them synchronously.
///
/// Swift's cooperative pool has one thread per core (two on the CI machine). A test that blocks one
/// of them for the length of an `openssl` run stalls every other test's async work meanwhile, and
/// with several such tests at once a test that only polls a watcher, or awaits a Lua call, saw
/// nothing progress for tens of seconds (fresh-clone CI runs failed on such waits). Test bodies
/// that prefer this executor block only its threads.
public final class BlockingWorkExecutor: TaskExecutor, @unchecked Sendable {
    /// Shared by every suite that asks for ``Trait/blockingWork``.
    public static let shared = BlockingWorkExecutor(threads: 12)

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    init(threads: Int) {
        for index in 0..<threads {
            let thread = Thread { [unowned self] in self.loop() }
            thread.name = "test-blocking-\(index)"
            thread.start()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
