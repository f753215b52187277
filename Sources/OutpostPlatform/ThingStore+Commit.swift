import Foundation
import GRDB
import Logging
import NIOConcurrencyHelpers

extension ThingStore {
    /// Changes waiting for the writer, and who waits for them to be on disk.
    struct PendingChanges {
        struct HistoryRow {
            var thing: String
            var property: String
            var record: PropertyRecord
        }

        struct ThingRow {
            var lastConnection: Int64?
            var reason: String?
        }

        var history: [HistoryRow] = []
        var things: [String: ThingRow] = [:]
        var waiters: [@Sendable (PlatformError?) -> Void] = []

        var isEmpty: Bool { history.isEmpty && things.isEmpty && waiters.isEmpty }
    }

    /// Calls `done` once every change made before this call is committed to the file (nil), or could
    /// not be (the error); at once when the store has no file. The platform answers an edge's write
    /// only then, so SUCCESS means the value survives a crash of the platform. `done` runs on the
    /// writer's queue: hop to an event loop before touching a channel.
    public func whenCommitted(_ done: @escaping @Sendable (PlatformError?) -> Void) {
        guard database != nil else { return done(nil) }
        let outcome = storage.withLockedValue { storage -> (start: Bool, closed: Bool) in
            guard !storage.closed else { return (false, true) }
            storage.pending.waiters.append(done)
            return (storage.startWriting(), false)
        }
        if outcome.closed { return done(PlatformError(.storage, "the thing store is closed (the platform is stopping)")) }
        if outcome.start { scheduleWriter() }
    }

    /// Writes everything pending now, on the caller's thread once earlier transactions are done.
    /// Blocking.
    public func flush() throws(PlatformError) {
        guard database != nil else { return }
        let failure = NIOLockedValueBox<PlatformError?>(nil)
        storage.withLockedValue { $0.pending.waiters.append { error in if let error { failure.withLockedValue { $0 = error } } } }
        writer.sync { drain() }
        if let error = failure.withLockedValue({ $0 }) { throw error }
    }

    /// Flushes and closes the file; later writes stay in memory only and waiters get an error.
    /// Blocking: the platform calls it once at shutdown.
    public func close() {
        guard let database else { return }
        do {
            try flush()
        } catch {
            logger.error("cannot save the last changes to the thing store", metadata: ["outpost.error": "\(error)"])
        }
        let waiters = storage.withLockedValue { storage in
            storage.closed = true
            defer { storage.pending = PendingChanges() }
            return storage.pending.waiters
        }
        for waiter in waiters { waiter(PlatformError(.storage, "the thing store is closed (the platform is stopping)")) }
        checkpointer?.close()
        writer.sync { try? database.close() }
    }

    func scheduleWriter() {
        writer.async { self.drain() }
    }

    /// Takes what is pending and commits it as one transaction, until nothing is left. Changes that
    /// arrive during a transaction go together into the next one (group commit).
    func drain() {
        while true {
            let batch = storage.withLockedValue { storage -> PendingChanges? in
                guard !storage.pending.isEmpty, !storage.closed else {
                    storage.writing = false
                    return nil
                }
                defer { storage.pending = PendingChanges() }
                return storage.pending
            }
            guard let batch else { return }
            var failure: PlatformError?
            if !batch.history.isEmpty || !batch.things.isEmpty {
                do {
                    try append(batch)
                    checkpointer?.committed()
                } catch {
                    failure = error
                    logger.error("cannot save to the thing store", metadata: ["outpost.error": "\(error)"])
                }
            }
            for waiter in batch.waiters { waiter(failure) }
        }
    }
}

extension ThingStore.Storage {
    /// True when the caller must start the writer (it is not running yet).
    mutating func startWriting() -> Bool {
        guard !writing, !closed else { return false }
        writing = true
        return true
    }
}
