/// What the outbox holds right now, for LocalEms, the CLI and metrics.
public struct OutboxStatus: Sendable, Equatable {
    public var path: String
    /// Queued entries and their payload bytes.
    public var depth: Int
    public var bytes: Int64
    public var maxBytes: Int64
    /// Age of the oldest queued entry in milliseconds; nil when empty.
    public var oldestAgeMillis: Int64?
    /// Things with queued entries.
    public var things: Int
    /// Entries deleted by `drop-oldest` since the store was created.
    public var dropped: Int64
    /// Entries moved to dead letters because they exceeded the max age.
    public var expired: Int64
    /// Entries acknowledged by the platform after being queued.
    public var delivered: Int64
    public var deadLetters: Int
    public var deadLetterBytes: Int64
}
