public import Logging
public import OutpostWire

/// The durable outbox: writes go in through ``enqueue(_:)`` (durable when it returns) and come out
/// through an ``OutboxReplayer``. One per store file and process.
public final class Outbox: Sendable {
    public let store: OutboxStore
    private let committer: GroupCommitter
    /// Wakes the replayer: new entries, a reconnect, a timer. Holds at most one pending wake-up.
    let wakeUps: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    public init(store: OutboxStore) {
        self.store = store
        self.committer = GroupCommitter(store: store)
        (wakeUps, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Opens the store file; see ``OutboxStore/open(settings:moveAside:logger:)``.
    public convenience init(settings: OutboxSettings, moveAside: Bool = false, logger: Logger) throws(OutboxError) {
        self.init(store: try OutboxStore.open(settings: settings, moveAside: moveAside, logger: logger))
    }

    /// Stores a write; returns once it is committed (shared with concurrent enqueues). Throws
    /// ``OutboxError/Code/full`` under `reject-new` when it does not fit.
    @discardableResult
    public func enqueue(_ request: RequestBody) async throws(OutboxError) -> Int64 {
        let entry = OutboxStore.NewEntry(
            thing: request.entityName, kind: OutboxEntry.kind(of: request), target: request.target,
            createdMillis: OutboxStore.nowMillis(), payload: try OutboxEntry.encode(request))
        let id = try await committer.submit(entry).get()
        wakeReplayer()
        return id
    }

    /// Whether writes for `thing` must queue behind stored ones.
    public func hasQueued(thing: String) async throws(OutboxError) -> Bool {
        try await store.hasQueued(thing: thing)
    }

    /// How many writes `thing` has queued, from memory (no query): for a 202's body, where the
    /// write just stored is the last of them.
    public func queuedCount(thing: String) -> Int {
        store.queueCounts.count(thing)
    }

    public func status() async throws(OutboxError) -> OutboxStatus {
        try await store.status()
    }

    /// Asks the replayer to look at the queue now (e.g. the link has just come up).
    public func wakeReplayer() {
        wake.yield()
    }

    /// Stops the replayer's loop and closes the file.
    public func close() {
        wake.finish()
        store.close()
    }
}
