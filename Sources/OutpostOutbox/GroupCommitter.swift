/// Group commit: enqueues that arrive while a transaction is being written wait and are written
/// together in the next one, so the cost of a commit (an fsync with `power-loss`) is shared. Each
/// caller resumes only after the transaction holding its entry has committed.
actor GroupCommitter {
    private struct Waiting {
        var entry: OutboxStore.NewEntry
        var continuation: CheckedContinuation<Result<Int64, OutboxError>, Never>
    }

    private let store: OutboxStore
    private var waiting: [Waiting] = []
    private var flushing = false

    init(store: OutboxStore) {
        self.store = store
    }

    /// Stores one entry; returns its id once committed.
    func submit(_ entry: OutboxStore.NewEntry) async -> Result<Int64, OutboxError> {
        await withCheckedContinuation { continuation in
            waiting.append(Waiting(entry: entry, continuation: continuation))
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
    }

    private func flush() async {
        while !waiting.isEmpty {
            let take = min(waiting.count, store.settings.commitBatch)
            let batch = Array(waiting.prefix(take))
            waiting.removeFirst(take)
            let results: [Result<Int64, OutboxError>]
            do {
                results = try await store.insert(batch.map(\.entry))
            } catch {
                results = Array(repeating: .failure(error), count: batch.count)
            }
            for (waiter, result) in zip(batch, results) {
                waiter.continuation.resume(returning: result)
            }
        }
        flushing = false
    }
}
