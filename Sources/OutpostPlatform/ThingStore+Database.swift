import Foundation
import GRDB
import Logging
import NIOConcurrencyHelpers
import OutpostWire

/// The store file: SQLite (GRDB, WAL, synchronous=NORMAL: survives a crash of the platform, not
/// necessarily a power cut), append-only for history. One row per thing (connection info), one per
/// property (its integer key) and one per property value; history beyond the limit is trimmed per
/// property as it grows.
extension ThingStore {
    struct Opened {
        var queue: DatabaseQueue
        var things: [String: ThingRecord]
        var importedJSON: String?
        var writerState: WriterState
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
            let (things, state) = try queue.write { db -> ([String: ThingRecord], WriterState) in
                let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
                guard check == ["ok"] else {
                    throw PlatformError(.storage, "the thing store \(path) is damaged (quick_check: \(check.prefix(3).joined(separator: "; "))); move it away to start empty")
                }
                var state = try WriterState.load(db)
                if let imported { try insert(imported, into: db, state: &state) }
                try trimAll(db, limit: historyLimit)
                return (try load(db), state)
            }
            return Opened(queue: queue, things: things, importedJSON: importedJSON, writerState: state)
        } catch let error as PlatformError {
            throw error
        } catch {
            throw PlatformError(.storage, "cannot open the thing store \(path): \(error); move it away to start empty (store.path in platform.json)")
        }
    }

    /// A checkpointer beside the writer, whose automatic checkpoints are then turned off; nil (and
    /// SQLite's automatic checkpoints kept) when its connection cannot be opened.
    static func checkpointer(path: String, database: DatabaseQueue, logger: Logger) -> WALCheckpointer? {
        do {
            let checkpointer = try WALCheckpointer(path: path, logger: logger)
            try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
            return checkpointer
        } catch {
            logger.warning(
                "the thing store's log is checkpointed by the writer (no second connection)", metadata: ["outpost.error": "\(error)"])
            return nil
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
        // v2: a value row is two integers of key, a time and a typed value (see ThingStore+StoredValue),
        // clustered by (key, seq) with no second index: the per-row cost of v1 was mostly its text
        // index entry, the JSON text and the base type name.
        migrator.registerMigration("v2") { db in
            try db.execute(
                sql: """
                    CREATE TABLE property_key (
                        id INTEGER PRIMARY KEY,
                        thing TEXT NOT NULL,
                        property TEXT NOT NULL,
                        UNIQUE (thing, property));
                    CREATE TABLE property_value (
                        key INTEGER NOT NULL,
                        seq INTEGER NOT NULL,
                        time INTEGER NOT NULL,
                        base_type INTEGER NOT NULL,
                        value,
                        quality TEXT,
                        PRIMARY KEY (key, seq)) WITHOUT ROWID;
                    """)
            var state = WriterState()
            let statement = try db.cachedStatement(sql: insertValueSQL)
            let rows = try Row.fetchCursor(db, sql: "SELECT thing, property, time, quality, base_type, value FROM property_history ORDER BY id")
            while let row = try rows.next() {
                let text: String = row[5]
                let json = (try? JSONValue(parsing: text)) ?? .null
                let record = PropertyRecord(value: Primitive(adminJSON: json, baseType: row[4]), time: row[2], quality: row[3])
                try insertValue(record, key: try state.key(thing: row[0], property: row[1], db: db), statement: statement, db: db, state: &state)
            }
            try db.execute(sql: "DROP TABLE property_history")
        }
        return migrator
    }

    static let insertValueSQL = "INSERT INTO property_value (key, seq, time, base_type, value, quality) VALUES (?, ?, ?, ?, ?, ?)"

    /// Everything in the file; nobody is connected to a platform that just started.
    private static func load(_ db: Database) throws -> [String: ThingRecord] {
        var things: [String: ThingRecord] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT name, last_connection, last_disconnect_reason FROM thing") {
            var thing = ThingRecord(name: row[0])
            thing.lastConnection = row[1]
            thing.lastDisconnectReason = row[2]
            things[thing.name] = thing
        }
        var names: [Int64: (thing: String, property: String)] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, thing, property FROM property_key") {
            names[row[0]] = (row[1], row[2])
        }
        let rows = try Row.fetchCursor(db, sql: "SELECT key, time, base_type, value, quality FROM property_value ORDER BY key, seq")
        var current: (key: Int64, records: [PropertyRecord])?
        func finish() {
            guard let current, let name = names[current.key], let newest = current.records.last else { return }
            things[name.thing, default: ThingRecord(name: name.thing)].history[name.property] = current.records
            things[name.thing]?.properties[name.property] = newest
        }
        while let row = try rows.next() {
            let key: Int64 = row[0]
            if current?.key != key {
                finish()
                current = (key, [])
            }
            let record = PropertyRecord(
                value: primitive(StoredValue(baseType: row[2], value: row[3])), time: row[1], quality: row[4] ?? "GOOD")
            current?.records.append(record)
        }
        finish()
        return things
    }
}
