/// How the outbox stores writes: where, how durably, and within which limits.
public struct OutboxSettings: Sendable {
    /// What a commit survives.
    public enum Durability: String, Sendable, CaseIterable {
        /// The process crashing or being killed: WAL with `synchronous=NORMAL` (the OS keeps what was
        /// written). A power cut can lose the last commits.
        case crashSafe = "crash-safe"
        /// Power loss too: `synchronous=FULL`, the WAL is fsynced on every commit (group commit keeps
        /// the cost per write low when writes arrive together).
        case powerLoss = "power-loss"
    }

    /// What happens to a write that does not fit under ``maxBytes``.
    public enum OverflowPolicy: String, Sendable, CaseIterable {
        /// Refuse the new write (the EMS answers 507); what is stored stays.
        case rejectNew = "reject-new"
        /// Delete the oldest entries (of any thing) to make room; logged and counted in ``OutboxStatus/dropped``.
        case dropOldest = "drop-oldest"
    }

    /// The SQLite file; `-wal` and `-shm` files live beside it.
    public var path: String
    public var durability: Durability
    /// Cap on the payload bytes of queued entries (dead letters are not counted).
    public var maxBytes: Int64
    /// Entries older than this are moved to the dead letters instead of being sent; nil: no limit.
    public var maxAge: Duration?
    public var overflow: OverflowPolicy
    /// Most entries, and most payload bytes, merged into one message on replay.
    public var batchEntries: Int
    public var batchBytes: Int
    /// Most enqueues written in one transaction (group commit).
    public var commitBatch: Int
    /// How many things are replayed at the same time (each thing's entries stay in order).
    public var parallelThings: Int
    /// Delays between replay attempts after a retryable failure.
    public var retryDelay: ClosedRange<Duration>

    public init(
        path: String, durability: Durability = .crashSafe, maxBytes: Int64 = 256 * 1_048_576, maxAge: Duration? = nil,
        overflow: OverflowPolicy = .rejectNew, batchEntries: Int = 500, batchBytes: Int = 48 * 1024,
        commitBatch: Int = 2_000, parallelThings: Int = 4,
        retryDelay: ClosedRange<Duration> = .milliseconds(200) ... .seconds(30)
    ) {
        self.path = path
        self.durability = durability
        self.maxBytes = maxBytes
        self.maxAge = maxAge
        self.overflow = overflow
        self.batchEntries = max(1, batchEntries)
        self.batchBytes = max(1, batchBytes)
        self.commitBatch = max(1, commitBatch)
        self.parallelThings = max(1, parallelThings)
        self.retryDelay = retryDelay
    }
}
