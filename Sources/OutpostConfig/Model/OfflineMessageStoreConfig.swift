/// `offline_msg_store`: where writes wait while the uplink is down (the durable outbox).
public struct OfflineMessageStoreConfig: ConfigSection {
    /// What happens to a write that does not fit under `max_size`.
    public enum Overflow: String, Sendable, CaseIterable {
        /// Refuse it: the REST client gets 507 and keeps the value.
        case rejectNew = "reject-new"
        /// Delete the oldest stored writes to make room (logged and counted).
        case dropOldest = "drop-oldest"
    }

    /// What a stored write survives once it has been acknowledged with 202.
    public enum Durability: String, Sendable, CaseIterable {
        /// A crash or kill of the process (SQLite WAL, synchronous=NORMAL).
        case crashSafe = "crash-safe"
        /// A power cut as well (fsync on every commit; slower).
        case powerLoss = "power-loss"
    }

    /// On by default: a 2xx to a write means the value will reach the platform (specs README decision).
    public var enabled = true
    /// Empty: the state directory of `outpost ems` (`state/` beside config.json or `--state-dir`).
    public var directory = ""
    /// Far above the original's 64 KB, which lost data within minutes of an outage.
    public var maxSize = 256 * 1_048_576
    /// Seconds a write may wait before it is moved to the dead letters instead of sent; 0: no limit.
    public var maxAge = 0
    public var overflow = Overflow.rejectNew
    public var durability = Durability.crashSafe
    /// Most stored writes of a thing merged into one push on replay; 1 replays each write as received.
    public var batchEntries = 500

    public init() {}

    public static let summary = "Durable store for writes made while the platform is unreachable."

    /// The store file inside ``directory``.
    public static let fileName = "outbox.sqlite"

    public static var fields: [ConfigField<OfflineMessageStoreConfig>] {
        [
            .bool("enabled", \.enabled, "Store writes while offline and deliver them on reconnect."),
            .string("directory", \.directory, "Directory of the store file (outbox.sqlite); empty: the EMS state directory."),
            .integer("max_size", \.maxSize, in: 1_024...Int64.max, unit: "bytes", "Cap on stored bytes."),
            .integer(
                "max_age", \.maxAge, in: 0...Int64(Int32.max), unit: "seconds",
                "Writes older than this are moved to the dead letters instead of sent; 0: no limit."),
            .choice("overflow", \.overflow, "When max_size is reached: \"reject-new\" (507) or \"drop-oldest\" (logged, counted)."),
            .choice("durability", \.durability, "\"crash-safe\" (survives a process kill) or \"power-loss\" (fsync per commit)."),
            .integer(
                "batch_entries", \.batchEntries, in: 1...10_000,
                "Most stored property writes of a thing sent as one UpdateSubscribedPropertyValues push on replay; 1 replays each write as it was received."),
        ]
    }
}
