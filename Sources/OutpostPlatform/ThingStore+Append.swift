import GRDB
import NIOConcurrencyHelpers

/// Appending to the store file, on the writer queue: one transaction per writer batch (group commit),
/// a cached insert statement with integer keys and typed values, and the history trimmed per property
/// once it has grown by a tenth of the limit.
extension ThingStore {
    /// One transaction for a writer batch. Blocking; on the writer queue.
    func append(_ batch: PendingChanges) throws(PlatformError) {
        guard let database else { return }
        let limit = historyLimit
        do {
            try writerState.withLockedValue { state in
                // Worked on a copy: a rolled-back transaction must not leave interned keys behind.
                var working = state
                try database.write { db in
                    try Self.upsert(batch.things, into: db)
                    let statement = try db.cachedStatement(sql: Self.insertValueSQL)
                    var counts: [Int64: Int] = [:]
                    // Consecutive values are mostly of one property: compare names before hashing them.
                    var last: (thing: String, property: String, key: Int64)?
                    for row in batch.history {
                        let key: Int64
                        if let last, last.thing == row.thing, last.property == row.property {
                            key = last.key
                        } else {
                            key = try working.key(thing: row.thing, property: row.property, db: db)
                            last = (row.thing, row.property, key)
                        }
                        try Self.insertValue(row.record, key: key, statement: statement, state: &working)
                        counts[key, default: 0] += 1
                    }
                    try Self.trimGrown(db, counts: counts, limit: limit, state: &working)
                }
                state = working
            }
        } catch {
            throw PlatformError(.storage, "cannot append to the thing store \(path ?? ""): \(error)")
        }
    }

    static func upsert(_ things: [String: PendingChanges.ThingRow], into db: Database) throws {
        guard !things.isEmpty else { return }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO thing (name, last_connection, last_disconnect_reason) VALUES (?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET last_connection = excluded.last_connection,
                    last_disconnect_reason = excluded.last_disconnect_reason
                """)
        for (name, row) in things { try statement.execute(arguments: [name, row.lastConnection, row.reason]) }
    }

    static func insert(_ things: [String: ThingRecord], into db: Database, state: inout WriterState) throws {
        var rows: [String: PendingChanges.ThingRow] = [:]
        for thing in things.values { rows[thing.name] = .init(lastConnection: thing.lastConnection, reason: thing.lastDisconnectReason) }
        try upsert(rows, into: db)
        let statement = try db.cachedStatement(sql: insertValueSQL)
        for thing in things.values.sorted(by: { $0.name < $1.name }) {
            for (property, records) in thing.history.sorted(by: { $0.key < $1.key }) {
                let key = try state.key(thing: thing.name, property: property, db: db)
                for record in records { try insertValue(record, key: key, statement: statement, state: &state) }
            }
        }
    }

    /// Appended rows past the limit are deleted once a property has grown by a tenth of the limit
    /// (checked per batch), so the file stays near `limit` rows per property without a delete per value.
    private static func trimGrown(_ db: Database, counts: [Int64: Int], limit: Int, state: inout WriterState) throws {
        let slack = max(1, limit / 10)
        for (key, added) in counts {
            state.trimCounters[key, default: 0] += added
            guard state.trimCounters[key, default: 0] >= slack else { continue }
            state.trimCounters[key] = 0
            try trim(db, key: key, limit: limit)
        }
    }

    private static func trim(_ db: Database, key: Int64, limit: Int) throws {
        try db.cachedStatement(
            sql: """
                DELETE FROM property_value WHERE key = ? AND seq <= (
                    SELECT seq FROM property_value WHERE key = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)
                """
        ).execute(arguments: [key, key, limit])
    }

    static func trimAll(_ db: Database, limit: Int) throws {
        for key in try Int64.fetchAll(db, sql: "SELECT id FROM property_key") {
            try trim(db, key: key, limit: limit)
        }
    }
}
