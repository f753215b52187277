import NIOCore

/// Runs a task's jobs on one event loop. NIO's loops serve as serial executors (for actors), not as
/// task executors, so this adapts one: a write's delivery task preferring the loop of the connection
/// that started it resumes there after each platform round trip, and the answers it hands out are
/// written on that loop without a hop through the concurrency pool and back.
final class EventLoopTaskExecutor: TaskExecutor, Sendable {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        eventLoop.execute { job.runSynchronously(on: executor) }
    }
}
