import GRDB

/// Listing, retrying and purging: what `outpost outbox` and LocalEms use.
extension OutboxStore {
    public func status() async throws(OutboxError) -> OutboxStatus {
        let settings = self.settings
        let now = Self.nowMillis()
        return try await read { db in
            let stats = try Row.fetchOne(db, sql: "SELECT * FROM outbox_stats WHERE id = 1")
            let oldest = try Int64.fetchOne(db, sql: "SELECT MIN(created_ms) FROM outbox_entry")
            let things = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT thing) FROM outbox_entry") ?? 0
            let dead = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS b FROM outbox_dead_letter")
            return OutboxStatus(
                path: settings.path, depth: stats?["depth"] ?? 0, bytes: stats?["bytes"] ?? 0, maxBytes: settings.maxBytes,
                oldestAgeMillis: oldest.map { max(0, now - $0) }, things: things, dropped: stats?["dropped"] ?? 0,
                expired: stats?["expired"] ?? 0, delivered: stats?["delivered"] ?? 0, deadLetters: dead?["n"] ?? 0,
                deadLetterBytes: dead?["b"] ?? 0)
        }
    }

    /// Queued entries in replay order, optionally of one thing.
    public func entries(thing: String? = nil, limit: Int = 100) async throws(OutboxError) -> [OutboxEntry] {
        try await read { db in
            if let thing {
                return try Row.fetchAll(
                    db, sql: "SELECT * FROM outbox_entry WHERE thing = ? ORDER BY id LIMIT ?", arguments: [thing, limit]
                ).map(Self.entry)
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM outbox_entry ORDER BY id LIMIT ?", arguments: [limit]).map(Self.entry)
        }
    }

    public func deadLetters(thing: String? = nil, limit: Int = 100) async throws(OutboxError) -> [OutboxDeadLetter] {
        try await read { db in
            let rows: [Row]
            if let thing {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM outbox_dead_letter WHERE thing = ? ORDER BY id LIMIT ?", arguments: [thing, limit])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM outbox_dead_letter ORDER BY id LIMIT ?", arguments: [limit])
            }
            return rows.map { row in
                var entry = Self.entry(row)
                entry.id = row["entry_id"]
                entry.lastError = row["reason"]
                return OutboxDeadLetter(id: row["id"], entry: entry, reason: row["reason"], failedMillis: row["failed_ms"])
            }
        }
    }

    /// Puts dead letters back at the end of their things' queues (all when `ids` is nil, or those of
    /// `thing`). They count against `max_size` again; returns how many moved.
    public func retryDeadLetters(ids: [Int64]? = nil, thing: String? = nil) async throws(OutboxError) -> Int {
        try await write { db in
            var filter = "1"
            var arguments = StatementArguments()
            if let ids {
                filter = "id IN (\(Self.placeholders(ids.count)))"
                arguments = StatementArguments(ids)
            } else if let thing {
                filter = "thing = ?"
                arguments = [thing]
            }
            let row = try Row.fetchOne(
                db, sql: "SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS b FROM outbox_dead_letter WHERE \(filter)", arguments: arguments)
            var perThing: [String: Int] = [:]
            let things = try Row.fetchCursor(
                db, sql: "SELECT thing, COUNT(*) FROM outbox_dead_letter WHERE \(filter) GROUP BY thing", arguments: arguments)
            while let thing = try things.next() { perThing[thing[0]] = thing[1] }
            try db.execute(
                sql: """
                    INSERT INTO outbox_entry (thing, kind, target, created_ms, size, attempts, last_error, payload)
                    SELECT thing, kind, target, created_ms, size, 0, reason, payload FROM outbox_dead_letter WHERE \(filter) ORDER BY id
                    """,
                arguments: arguments)
            try db.execute(sql: "DELETE FROM outbox_dead_letter WHERE \(filter)", arguments: arguments)
            let count: Int = row?["n"] ?? 0
            try Self.adjust(db, bytes: row?["b"] ?? 0, depth: count)
            self.queueCounts.apply(perThing)
            return count
        }
    }

    /// Deletes queued entries (by id, by thing, or all); returns how many. This loses those writes:
    /// the CLI asks for an explicit flag.
    public func purgeQueued(ids: [Int64]? = nil, thing: String? = nil) async throws(OutboxError) -> Int {
        try await write { db in
            let victims: [Int64]
            if let ids {
                victims = ids
            } else if let thing {
                victims = try Int64.fetchAll(db, sql: "SELECT id FROM outbox_entry WHERE thing = ?", arguments: [thing])
            } else {
                victims = try Int64.fetchAll(db, sql: "SELECT id FROM outbox_entry")
            }
            var total = 0
            for start in stride(from: 0, to: victims.count, by: 10_000) {
                let removed = try self.removeEntries(db, ids: Array(victims[start..<min(victims.count, start + 10_000)]))
                try Self.adjust(db, bytes: -removed.bytes, depth: -removed.count)
                total += removed.count
            }
            return total
        }
    }

    /// Deletes dead letters (by id, by thing, or all); returns how many.
    public func purgeDeadLetters(ids: [Int64]? = nil, thing: String? = nil) async throws(OutboxError) -> Int {
        try await write { db in
            if let ids {
                try db.execute(sql: "DELETE FROM outbox_dead_letter WHERE id IN (\(Self.placeholders(ids.count)))", arguments: StatementArguments(ids))
            } else if let thing {
                try db.execute(sql: "DELETE FROM outbox_dead_letter WHERE thing = ?", arguments: [thing])
            } else {
                try db.execute(sql: "DELETE FROM outbox_dead_letter")
            }
            return db.changesCount
        }
    }
}
