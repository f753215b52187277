import NIOConcurrencyHelpers

/// One asynchronous lock per thing name, granted in arrival order. ``OutboxWriteSink`` holds a
/// thing's lock from "is anything queued?" to "sent or stored", so a second write to the same thing
/// cannot overtake a first one whose direct send fails and is stored for replay.
final class OutboxThingLocks: Sendable {
    /// Per held name, the writers waiting for it (first in, first served).
    private let waiting = NIOLockedValueBox<[String: [CheckedContinuation<Void, Never>]]>([:])

    func withLock<T: Sendable>(
        _ thing: String, _ body: () async throws(PlatformLinkError) -> T
    ) async throws(PlatformLinkError) -> T {
        await acquire(thing)
        defer { release(thing) }
        return try await body()
    }

    private func acquire(_ thing: String) async {
        // Not cancellable: the holder's send has its own timeout, so the wait is bounded.
        await withCheckedContinuation { continuation in
            let granted = waiting.withLockedValue { waiting -> Bool in
                guard waiting[thing] != nil else {
                    waiting[thing] = []
                    return true
                }
                waiting[thing]?.append(continuation)
                return false
            }
            if granted { continuation.resume() }
        }
    }

    /// Hands the lock to the next waiter, or frees the name.
    private func release(_ thing: String) {
        let next = waiting.withLockedValue { waiting -> CheckedContinuation<Void, Never>? in
            guard var queue = waiting[thing], !queue.isEmpty else {
                waiting[thing] = nil
                return nil
            }
            let first = queue.removeFirst()
            waiting[thing] = queue
            return first
        }
        next?.resume()
    }
}
