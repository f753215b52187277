import NIOConcurrencyHelpers

/// A one-shot event: graceful shutdown was requested. Any number of tasks can wait for it, and a
/// waiter that is cancelled stops waiting.
final class StopSignal: Sendable {
    private struct Storage {
        var fired = false
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextID: UInt64 = 0
    }

    private let storage = NIOLockedValueBox(Storage())

    var isFired: Bool { storage.withLockedValue { $0.fired } }

    func fire() {
        let waiters = storage.withLockedValue { storage -> [CheckedContinuation<Void, Never>] in
            guard !storage.fired else { return [] }
            storage.fired = true
            defer { storage.waiters = [:] }
            return Array(storage.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns when fired or when the calling task is cancelled.
    func wait() async {
        let id = storage.withLockedValue { storage -> UInt64 in
            storage.nextID += 1
            return storage.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = storage.withLockedValue { storage -> Bool in
                    if storage.fired || Task.isCancelled { return true }
                    storage.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = storage.withLockedValue { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }

    /// Waits up to `duration`; returns true if the signal fired in that time.
    func wait(upTo duration: Duration) async -> Bool {
        if isFired { return true }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.wait() }
            group.addTask { try? await Task.sleep(for: duration) }
            await group.next()
            group.cancelAll()
        }
        return isFired
    }
}
