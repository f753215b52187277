import Foundation
import GRDB
import NIOConcurrencyHelpers
import OutpostWire

/// The store file: SQLite (GRDB, WAL, synchronous=NORMAL: survives a crash of the platform, not
/// necessarily a power cut), append-only for history. One row per thing (connection info) and one
/// row per property value; history beyond the limit is trimmed per property as it grows.
extension ThingStore {
    struct Opened {
        var queue: DatabaseQueue
        var things: [String: ThingRecord]
        var importedJSON: String?
    }

    /// SQLite files start with this; anything else at `store.path` is taken for an old JSON store.
    static let sqliteHeader = Array("SQLite format 3\0".utf8)

    static func openDatabase(path: String, historyLimit: Int) throws(PlatformError) -> Opened {
        var imported: [String: ThingRecord]?
        var importedJSON: String?
        if let head = fileHead(path, count: sqliteHeader.count), !head.isEmpty, head != sqliteHeader {
            // An old JSON store (before SQLite): read it, move it aside, import it once below.
            imported = try loadJSON(from: path)
            let aside = path + ".imported-json"
            guard !FileManager.default.fileExists(atPath: aside) else {
                throw PlatformError(
                    .storage,
                    "the thing store \(path) is an old JSON store, but \(aside) already exists from an earlier import; "
                        + "move one of them away (store.path in platform.json)")
            }
            do {
                try FileManager.default.moveItem(atPath: path, toPath: aside)
            } catch {
                throw PlatformError(.storage, "cannot move the old JSON thing store \(path) aside to \(aside): \(error.localizedDescription)")
            }
            importedJSON = aside
        }
        do {
            var configuration = Configuration()
            configuration.label = "outpost.platform.store"
            configuration.journalMode = .wal
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try migrator.migrate(queue)
            let things = try queue.write { db -> [String: ThingRecord] in
                let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
                guard check == ["ok"] else {
                    throw PlatformError(.storage, "the thing store \(path) is damaged (quick_check: \(check.prefix(3).joined(separator: "; "))); move it away to start empty")
                }
                if let imported { try insert(imported, into: db) }
                try trimAll(db, limit: historyLimit)
                return try load(db)
            }
            return Opened(queue: queue, things: things, importedJSON: importedJSON)
        } catch let error as PlatformError {
            throw error
        } catch {
            throw PlatformError(.storage, "cannot open the thing store \(path): \(error); move it away to start empty (store.path in platform.json)")
        }
    }

    /// The first `count` bytes of the file; nil when there is none.
    private static func fileHead(_ path: String, count: Int) -> [UInt8]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: count) else { return [] }
        return [UInt8](data)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE thing (
                        name TEXT PRIMARY KEY,
                        last_connection INTEGER,
                        last_disconnect_reason TEXT);
                    CREATE TABLE property_history (
                        id INTEGER PRIMARY KEY,
                        thing TEXT NOT NULL,
                        property TEXT NOT NULL,
                        time INTEGER NOT NULL,
                        quality TEXT NOT NULL,
                        base_type TEXT NOT NULL,
                        value TEXT NOT NULL);
                    CREATE INDEX property_history_key ON property_history(thing, property, id);
                    """)
        }
        return migrator
    }

    /// One transaction for a writer batch. Blocking.
    func append(_ batch: PendingChanges) throws(PlatformError) {
        guard let database else { return }
        let limit = historyLimit
        do {
            try database.write { db in
                try Self.upsert(batch.things, into: db)
                let statement = try db.cachedStatement(
                    sql: "INSERT INTO property_history (thing, property, time, quality, base_type, value) VALUES (?, ?, ?, ?, ?, ?)")
                var counts: [String: [String: Int]] = [:]
                for row in batch.history {
                    try statement.execute(arguments: Self.arguments(row.thing, row.property, row.record))
                    counts[row.thing, default: [:]][row.property, default: 0] += 1
                }
                try trimGrown(db, counts: counts, limit: limit)
            }
        } catch {
            throw PlatformError(.storage, "cannot append to the thing store \(path ?? ""): \(error)")
        }
    }

    private static func arguments(_ thing: String, _ property: String, _ record: PropertyRecord) -> StatementArguments {
        [thing, property, record.time, record.quality, record.value.adminBaseType, record.value.adminJSON.serialized()]
    }

    private static func upsert(_ things: [String: PendingChanges.ThingRow], into db: Database) throws {
        guard !things.isEmpty else { return }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO thing (name, last_connection, last_disconnect_reason) VALUES (?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET last_connection = excluded.last_connection,
                    last_disconnect_reason = excluded.last_disconnect_reason
                """)
        for (name, row) in things { try statement.execute(arguments: [name, row.lastConnection, row.reason]) }
    }

    private static func insert(_ things: [String: ThingRecord], into db: Database) throws {
        var rows: [String: PendingChanges.ThingRow] = [:]
        for thing in things.values { rows[thing.name] = .init(lastConnection: thing.lastConnection, reason: thing.lastDisconnectReason) }
        try upsert(rows, into: db)
        let statement = try db.cachedStatement(
            sql: "INSERT INTO property_history (thing, property, time, quality, base_type, value) VALUES (?, ?, ?, ?, ?, ?)")
        for thing in things.values.sorted(by: { $0.name < $1.name }) {
            for (property, records) in thing.history.sorted(by: { $0.key < $1.key }) {
                for record in records { try statement.execute(arguments: arguments(thing.name, property, record)) }
            }
        }
    }

    /// Appended rows past the limit are deleted once a property has grown by a tenth of the limit
    /// (checked per batch), so the file stays near `limit` rows per property without a delete per value.
    private func trimGrown(_ db: Database, counts: [String: [String: Int]], limit: Int) throws {
        let slack = max(1, limit / 10)
        for (thing, properties) in counts {
            for (property, added) in properties {
                let due = trimCounters.withLockedValue { counters -> Bool in
                    let key = thing + "\u{0}" + property
                    counters[key, default: 0] += added
                    guard counters[key, default: 0] >= slack else { return false }
                    counters[key] = 0
                    return true
                }
                if due { try Self.trim(db, thing: thing, property: property, limit: limit) }
            }
        }
    }

    private static func trim(_ db: Database, thing: String, property: String, limit: Int) throws {
        try db.execute(
            sql: """
                DELETE FROM property_history WHERE thing = ? AND property = ? AND id <= (
                    SELECT id FROM property_history WHERE thing = ? AND property = ? ORDER BY id DESC LIMIT 1 OFFSET ?)
                """,
            arguments: [thing, property, thing, property, limit])
    }

    private static func trimAll(_ db: Database, limit: Int) throws {
        let keys = try Row.fetchAll(db, sql: "SELECT DISTINCT thing, property FROM property_history")
        for key in keys {
            try trim(db, thing: key["thing"], property: key["property"], limit: limit)
        }
    }

    /// Everything in the file; nobody is connected to a platform that just started.
    private static func load(_ db: Database) throws -> [String: ThingRecord] {
        var things: [String: ThingRecord] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT name, last_connection, last_disconnect_reason FROM thing") {
            var thing = ThingRecord(name: row["name"])
            thing.lastConnection = row["last_connection"]
            thing.lastDisconnectReason = row["last_disconnect_reason"]
            things[thing.name] = thing
        }
        let rows = try Row.fetchCursor(db, sql: "SELECT thing, property, time, quality, base_type, value FROM property_history ORDER BY id")
        while let row = try rows.next() {
            let name: String = row["thing"]
            let property: String = row["property"]
            let text: String = row["value"]
            let json = (try? JSONValue(parsing: text)) ?? .null
            let record = PropertyRecord(
                value: Primitive(adminJSON: json, baseType: row["base_type"]), time: row["time"], quality: row["quality"])
            things[name, default: ThingRecord(name: name)].history[property, default: []].append(record)
            things[name]?.properties[property] = record
        }
        return things
    }
}
