public import Logging

/// Sends what the outbox holds once the platform is reachable: per thing in order, consecutive
/// property writes merged into one push, each entry deleted only after the platform's SUCCESS.
/// Refused entries go to the dead letters with the platform's reason; anything else is retried
/// with backoff. Different things are replayed in parallel.
public final class OutboxReplayer: Sendable {
    private let outbox: Outbox
    private let delivery: any OutboxDelivery
    private let logger: Logger
    private let pollInterval: Duration

    /// - Parameter pollInterval: How often to look without being woken (a reconnect noticed late,
    ///   dead letters put back by `outpost outbox retry` from another process).
    public init(outbox: Outbox, delivery: any OutboxDelivery, pollInterval: Duration = .seconds(1), logger: Logger) {
        self.outbox = outbox
        self.delivery = delivery
        self.pollInterval = pollInterval
        self.logger = logger
    }

    private var settings: OutboxSettings { outbox.store.settings }
    private var store: OutboxStore { outbox.store }

    /// Replays until cancelled or the outbox is closed.
    public func run() async {
        let outbox = self.outbox
        let interval = pollInterval
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                outbox.wakeReplayer()
            }
        }
        defer { ticker.cancel() }
        await withTaskCancellationHandler {
            for await _ in outbox.wakeUps {
                if Task.isCancelled { break }
                await drain()
            }
        } onCancel: {
            ticker.cancel()
        }
    }

    /// Sends everything that can be sent now; returns when the queue is empty, the link is down or
    /// the task is cancelled. Retryable failures are retried here with backoff while connected.
    public func drain() async {
        var delay = settings.retryDelay.lowerBound
        while !Task.isCancelled && delivery.isConnected {
            do throws(OutboxError) {
                if let maxAge = settings.maxAge {
                    let millis = maxAge.components.seconds * 1000 + maxAge.components.attoseconds / 1_000_000_000_000_000
                    let expired = try await store.expire(olderThanMillis: millis)
                    if expired > 0 {
                        logger.warning(
                            "outbox entries exceeded max_age and were moved to the dead letters",
                            metadata: ["outpost.outbox.expired": "\(expired)"])
                    }
                }
                // Another process (`outpost outbox retry|purge`) may have changed the queues.
                try await store.refreshQueueCounts()
                let things = try await store.queuedThings()
                if things.isEmpty { return }
                let stalled = await drain(things)
                if !stalled {
                    delay = settings.retryDelay.lowerBound
                    continue
                }
            } catch {
                logger.error("outbox replay failed", metadata: ["outpost.error": "\(error.message)"])
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, settings.retryDelay.upperBound)
        }
    }

    /// Drains several things at once, at most `parallelThings` at a time; true if any stalled.
    private func drain(_ things: [String]) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            var pending = things.makeIterator()
            var running = 0
            var stalled = false
            while running < settings.parallelThings, let thing = pending.next() {
                group.addTask { await self.drain(thing: thing) }
                running += 1
            }
            while let result = await group.next() {
                stalled = stalled || result
                if let thing = pending.next() {
                    group.addTask { await self.drain(thing: thing) }
                }
            }
            return stalled
        }
    }

    /// Sends one thing's queue in order; true if it stopped on a retryable failure. The delete of a
    /// delivered batch runs while the next batch is read and sent (the next one is sent only after the
    /// platform's SUCCESS to the previous, so order holds; a delete that fails leaves the batch to be
    /// sent again: a duplicate, never a loss). It is waited for before anything else writes.
    private func drain(thing: String) async -> Bool {
        // The delete of the last delivered batch, if still running.
        var deleting: Task<OutboxError?, Never>?
        do throws(OutboxError) {
            // Entries up to `after` were delivered (and are deleted, or being deleted) in this pass.
            var after: Int64 = 0
            while !Task.isCancelled {
                let queue = try await store.peek(thing: thing, after: after, limit: settings.batchEntries)
                if queue.isEmpty { break }
                let (batch, undecodable) = OutboxBatch.first(of: queue, maxEntries: settings.batchEntries, maxBytes: settings.batchBytes)
                if !undecodable.isEmpty { try await Self.settle(&deleting) }
                for (entry, error) in undecodable {
                    try await reject([entry], reason: error.message)
                }
                guard let batch else { continue }
                let outcome = await delivery.deliver(batch.request)
                try await Self.settle(&deleting)
                switch outcome {
                case .delivered:
                    let first = batch.entries[0].id
                    let last = batch.entries[batch.entries.count - 1].id
                    let store = self.store
                    deleting = Task { () -> OutboxError? in
                        do throws(OutboxError) {
                            try await store.acknowledge(thing: thing, from: first, through: last)
                            return nil
                        } catch {
                            return error
                        }
                    }
                    after = last
                case .retry(let reason):
                    try await store.recordFailure(batch.entries.map(\.id), reason: reason)
                    logger.debug("outbox delivery will be retried", metadata: ["outpost.outbox.thing": "\(thing)", "outpost.error": "\(reason)"])
                    return true
                case .rejected(let reason) where batch.entries.count == 1:
                    try await reject(batch.entries, reason: reason)
                case .rejected:
                    // Find the entries the platform refuses: send the batch's entries one by one.
                    for entry in batch.entries {
                        switch await delivery.deliver(try entry.request()) {
                        case .delivered: try await store.acknowledge([entry.id])
                        case .rejected(let reason): try await reject([entry], reason: reason)
                        case .retry(let reason):
                            try await store.recordFailure([entry.id], reason: reason)
                            return true
                        }
                    }
                }
            }
            try await Self.settle(&deleting)
            return false
        } catch {
            // Whatever else failed, the last delete is waited for: the caller reads the queue next.
            if let deleting { _ = await deleting.value }
            logger.error("outbox replay failed", metadata: ["outpost.outbox.thing": "\(thing)", "outpost.error": "\(error.message)"])
            return true
        }
    }

    /// Waits for a running delete and rethrows its error.
    private static func settle(_ task: inout Task<OutboxError?, Never>?) async throws(OutboxError) {
        guard let running = task else { return }
        task = nil
        if let error = await running.value { throw error }
    }

    private func reject(_ entries: [OutboxEntry], reason: String) async throws(OutboxError) {
        try await store.deadLetter(entries.map(\.id), reason: reason)
        logger.warning(
            "the platform refused a stored write; moved to the dead letters (outpost outbox list --dead)",
            metadata: [
                "outpost.outbox.thing": "\(entries.first?.thing ?? "")", "outpost.outbox.count": "\(entries.count)",
                "outpost.error": "\(reason)",
            ])
    }
}
