import Foundation
import GRDB
import GRDBSQLite
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
                        try Self.insertValue(row.record, key: key, statement: statement, db: db, state: &working)
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
                for record in records { try insertValue(record, key: key, statement: statement, db: db, state: &state) }
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

    /// One history row, bound with the SQLite C API on the cached statement (GRDB's argument array,
    /// existentials and a conversion per value, cost about as much as SQLite's insert). `quality`
    /// GOOD, nearly every value, is stored as NULL.
    static func insertValue(_ record: PropertyRecord, key: Int64, statement: Statement, db: Database, state: inout WriterState) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        let stored = stored(record.value)
        sqlite3_bind_int64(handle, 1, key)
        sqlite3_bind_int64(handle, 2, state.nextSeq)
        sqlite3_bind_int64(handle, 3, record.time)
        sqlite3_bind_int64(handle, 4, stored.baseType)
        switch stored.value.storage {
        case .null: sqlite3_bind_null(handle, 5)
        case .int64(let value): sqlite3_bind_int64(handle, 5, value)
        case .double(let value): sqlite3_bind_double(handle, 5, value)
        case .string(let text): bindText(handle, 5, text)
        case .blob(let data): data.withUnsafeBytes { _ = sqlite3_bind_blob(handle, 5, $0.baseAddress, Int32($0.count), sqliteTransient) }
        }
        if record.quality == "GOOD" { sqlite3_bind_null(handle, 6) } else { bindText(handle, 6, record.quality) }
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        state.nextSeq += 1
    }

    private static func bindText(_ handle: OpaquePointer, _ index: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            // A nil pointer would bind NULL: the empty string gets a real (empty) one.
            guard let base = bytes.baseAddress else { return _ = sqlite3_bind_text(handle, index, "", 0, sqliteTransient) }
            _ = sqlite3_bind_text(handle, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count), sqliteTransient)
        }
    }
}

/// SQLite copies what is bound with this destructor (the C macro SQLITE_TRANSIENT).
private let sqliteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
