/// Why the outbox could not do what was asked. Messages name the file and say what to do.
public struct OutboxError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// The store file is not a database or is damaged; nothing was changed.
        case corrupt
        /// The store file could not be opened or written (permissions, missing directory, disk full).
        case unavailable
        /// A write does not fit under `max_size` with the `reject-new` policy.
        case full
        /// An entry's payload could not be encoded or decoded.
        case badEntry
    }

    public let code: Code
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public static func == (lhs: OutboxError, rhs: OutboxError) -> Bool { lhs.code == rhs.code }

    static func corrupt(path: String, detail: String) -> OutboxError {
        OutboxError(
            .corrupt,
            """
            the outbox store \(path) is unreadable (\(detail)); nothing was deleted. Move it aside to keep it for \
            inspection (mv '\(path)' '\(path).corrupt'; also any '\(path)-wal' and '\(path)-shm') or start with \
            --outbox-move-aside to have Outpost do that and begin with an empty store
            """)
    }

    static func unavailable(path: String, detail: String) -> OutboxError {
        OutboxError(.unavailable, "the outbox store \(path) cannot be used: \(detail)")
    }

    static func full(maxBytes: Int64, stored: Int64, size: Int) -> OutboxError {
        OutboxError(
            .full,
            """
            the offline message store is full (\(stored) of \(maxBytes) bytes in offline_msg_store.max_size; this write \
            needs \(size)); the write was not stored. Raise max_size, set overflow to drop-oldest, or restore the \
            platform connection
            """)
    }
}
