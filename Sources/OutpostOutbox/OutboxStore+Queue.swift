import Foundation
import GRDB
import Logging

extension OutboxStore {
    /// Stores entries in one transaction, in order, applying `max_size` and the overflow policy.
    /// Returns one result per entry: `reject-new` refuses the entries that do not fit.
    func insert(_ entries: [NewEntry]) async throws(OutboxError) -> [Result<Int64, OutboxError>] {
        let settings = self.settings
        let (results, dropped) = try await write { db -> ([Result<Int64, OutboxError>], Int) in
            var stored: Int64 = try Int64.fetchOne(db, sql: "SELECT bytes FROM outbox_stats WHERE id = 1") ?? 0
            var dropped = 0
            if settings.overflow == .dropOldest {
                let incoming = entries.reduce(Int64(0)) { $0 + Int64($1.payload.count) }
                let excess = stored + incoming - settings.maxBytes
                if excess > 0 {
                    var freed: Int64 = 0
                    var victims: [Int64] = []
                    let cursor = try Row.fetchCursor(db, sql: "SELECT id, size FROM outbox_entry ORDER BY id")
                    while freed < excess, let row = try cursor.next() {
                        victims.append(row[0])
                        freed += row[1] as Int64
                    }
                    let removed = try self.removeEntries(db, ids: victims)
                    stored -= removed.bytes
                    dropped = removed.count
                    try Self.adjust(db, bytes: -removed.bytes, depth: -removed.count, dropped: removed.count)
                }
            }
            var results: [Result<Int64, OutboxError>] = []
            results.reserveCapacity(entries.count)
            var added: Int64 = 0
            var count = 0
            var perThing: [String: Int] = [:]
            let statement = try db.cachedStatement(
                sql: "INSERT INTO outbox_entry (thing, kind, target, created_ms, size, payload) VALUES (?, ?, ?, ?, ?, ?)")
            for entry in entries {
                let size = Int64(entry.payload.count)
                if stored + added + size > settings.maxBytes {
                    results.append(.failure(.full(maxBytes: settings.maxBytes, stored: stored + added, size: Int(size))))
                    continue
                }
                try statement.execute(arguments: [entry.thing, entry.kind, entry.target, entry.createdMillis, size, Data(entry.payload)])
                results.append(.success(db.lastInsertedRowID))
                added += size
                count += 1
                perThing[entry.thing, default: 0] += 1
            }
            try Self.adjust(db, bytes: added, depth: count)
            self.queueCounts.apply(perThing)
            return (results, dropped)
        }
        if dropped > 0 {
            logger.warning(
                "offline message store full: dropped the oldest entries (overflow drop-oldest)",
                metadata: ["outpost.outbox.dropped": "\(dropped)", "outpost.outbox.path": "\(settings.path)"])
        }
        return results
    }

    /// Whether anything is queued for `thing`: from the in-memory counts (``OutboxQueueCounts``),
    /// rebuilt from the file first when a failed transaction left them in doubt.
    public func hasQueued(thing: String) async throws(OutboxError) -> Bool {
        if let queued = queueCounts.hasQueued(thing) { return queued }
        try await refreshQueueCounts()
        return queueCounts.hasQueued(thing) ?? true
    }

    /// Rebuilds the in-memory queued counts if another process changed the file (e.g. `outpost
    /// outbox retry`) or a transaction failed; cheap otherwise (one pragma on the writer).
    public func refreshQueueCounts() async throws(OutboxError) {
        let counts = queueCounts
        do {
            try await pool.writeWithoutTransaction { db in try counts.refresh(db) }
        } catch {
            throw map(error)
        }
    }

    /// Things with queued entries, the one waiting longest first.
    public func queuedThings() async throws(OutboxError) -> [String] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT thing FROM outbox_entry GROUP BY thing ORDER BY MIN(id)")
        }
    }

    /// The first entries of `thing`'s queue after id `after`, oldest first. Columns by position from
    /// a cached statement: decoding rows by column name cost more than SQLite's own work.
    public func peek(thing: String, after: Int64 = 0, limit: Int) async throws(OutboxError) -> [OutboxEntry] {
        try await read { db in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT id, kind, target, created_ms, size, attempts, last_error, payload FROM outbox_entry
                    WHERE thing = ? AND id > ? ORDER BY id LIMIT ?
                    """)
            var entries: [OutboxEntry] = []
            entries.reserveCapacity(limit)
            let rows = try Row.fetchCursor(statement, arguments: [thing, after, limit])
            while let row = try rows.next() {
                let payload = try row.withUnsafeData(atIndex: 7) { data in data.map { [UInt8]($0) } ?? [] }
                entries.append(
                    OutboxEntry(
                        id: row[0], thing: thing, kind: row[1], target: row[2], createdMillis: row[3], size: row[4],
                        attempts: row[5], lastError: row[6], payload: payload))
            }
            return entries
        }
    }

    /// The platform acknowledged these entries: delete them.
    public func acknowledge(_ ids: [Int64]) async throws(OutboxError) {
        try await write { db in
            let removed = try self.removeEntries(db, ids: ids)
            try Self.adjust(db, bytes: -removed.bytes, depth: -removed.count, delivered: removed.count)
        }
    }

    /// The platform acknowledged a run of `thing`'s queue (the replayer's batch: the thing's entries
    /// from `first` to `last` in id order, with none of the thing's left out between them, as ids only
    /// grow): one range delete on the `(thing, id)` index instead of a list of ids.
    func acknowledge(thing: String, from first: Int64, through last: Int64) async throws(OutboxError) {
        try await write { db in
            let statement = try db.cachedStatement(
                sql: "DELETE FROM outbox_entry WHERE thing = ? AND id BETWEEN ? AND ? RETURNING size")
            var removed = Removed()
            let sizes = try Int64.fetchCursor(statement, arguments: [thing, first, last])
            while let size = try sizes.next() { removed.add(thing: thing, size: size) }
            self.queueCounts.apply(removed.perThing)
            try Self.adjust(db, bytes: -removed.bytes, depth: -removed.count, delivered: removed.count)
        }
    }

    /// A retryable failure: count the attempt and keep the reason for listings.
    public func recordFailure(_ ids: [Int64], reason: String) async throws(OutboxError) {
        guard !ids.isEmpty else { return }
        try await write { db in
            try db.execute(
                sql: "UPDATE outbox_entry SET attempts = attempts + 1, last_error = ? WHERE id IN (\(Self.placeholders(ids.count)))",
                arguments: StatementArguments([reason]) + StatementArguments(ids))
        }
    }

    /// Moves entries to the dead letters with `reason` (the platform refused them, or they expired).
    public func deadLetter(_ ids: [Int64], reason: String, expired: Bool = false) async throws(OutboxError) {
        guard !ids.isEmpty else { return }
        let now = Self.nowMillis()
        try await write { db in
            let list = Self.placeholders(ids.count)
            try db.execute(
                sql: """
                    INSERT INTO outbox_dead_letter (entry_id, thing, kind, target, created_ms, failed_ms, size, attempts, reason, payload)
                    SELECT id, thing, kind, target, created_ms, ?, size, attempts + 1, ?, payload
                    FROM outbox_entry WHERE id IN (\(list)) ORDER BY id
                    """,
                arguments: StatementArguments([now, reason] as [any DatabaseValueConvertible]) + StatementArguments(ids))
            let removed = try self.removeEntries(db, ids: ids)
            try Self.adjust(db, bytes: -removed.bytes, depth: -removed.count, expired: expired ? removed.count : 0)
        }
    }

    /// Moves entries older than the max age to the dead letters; returns how many.
    func expire(olderThanMillis age: Int64) async throws(OutboxError) -> Int {
        let cutoff = Self.nowMillis() - age
        let ids = try await read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM outbox_entry WHERE created_ms < ? ORDER BY id LIMIT 10000", arguments: [cutoff])
        }
        try await deadLetter(ids, reason: "expired: older than offline_msg_store.max_age", expired: true)
        return ids.count
    }
}
