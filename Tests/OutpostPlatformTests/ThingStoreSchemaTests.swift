import Foundation
import GRDB
import OutpostPlatform
import OutpostWire
import Testing

/// The store file's schema: a file written by the first SQLite schema (v1: text keys, values as
/// JSON text) opens, keeps every value as it read before, and takes new values after it; every kind
/// of value survives the typed columns of v2.
struct ThingStoreSchemaTests {
    private func temporaryPath() -> String {
        NSTemporaryDirectory() + "outpost-store-\(UUID().uuidString).sqlite"
    }

    private func remove(_ path: String) {
        for extra in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + extra) }
    }

    /// A v1 file as the previous version wrote it (GRDB's migration table says v1 ran).
    private func writeVersion1(at path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                    INSERT INTO grdb_migrations VALUES ('v1');
                    CREATE TABLE thing (name TEXT PRIMARY KEY, last_connection INTEGER, last_disconnect_reason TEXT);
                    CREATE TABLE property_history (
                        id INTEGER PRIMARY KEY, thing TEXT NOT NULL, property TEXT NOT NULL, time INTEGER NOT NULL,
                        quality TEXT NOT NULL, base_type TEXT NOT NULL, value TEXT NOT NULL);
                    CREATE INDEX property_history_key ON property_history(thing, property, id);
                    INSERT INTO thing VALUES ('Dev1', 1700000000000, 'UNBIND');
                    INSERT INTO property_history (thing, property, time, quality, base_type, value) VALUES
                        ('Dev1', 'Temp', 1, 'GOOD', 'NUMBER', '20.5'),
                        ('Dev1', 'Mode', 2, 'UNCERTAIN', 'STRING', '"auto"'),
                        ('Dev1', 'Temp', 3, 'BAD', 'NUMBER', '21'),
                        ('Dev1', 'On', 4, 'GOOD', 'BOOLEAN', 'true'),
                        ('Dev2', 'Count', 5, 'GOOD', 'INTEGER', '7'),
                        ('Dev2', 'Seen', 6, 'GOOD', 'DATETIME', '1700000000123'),
                        ('Dev2', 'Where', 7, 'GOOD', 'LOCATION', '{"longitude":8.5,"latitude":47.4,"elevation":400}');
                    """)
        }
        try queue.close()
    }

    @Test func version1File_isMigrated_keepingEveryValue() throws {
        let path = temporaryPath()
        defer { remove(path) }
        try writeVersion1(at: path)
        let store = try ThingStore(path: path)
        let dev1 = try #require(store.thing("Dev1"))
        #expect(dev1.lastConnection == 1_700_000_000_000)
        #expect(dev1.lastDisconnectReason == "UNBIND")
        #expect(dev1.history["Temp"] == [.init(value: .number(20.5), time: 1), .init(value: .number(21), time: 3, quality: "BAD")])
        #expect(dev1.properties["Mode"] == .init(value: .string("auto"), time: 2, quality: "UNCERTAIN"))
        #expect(dev1.properties["On"]?.value == .boolean(true))
        let dev2 = try #require(store.thing("Dev2"))
        #expect(dev2.properties["Count"]?.value == .integer(7))
        #expect(dev2.properties["Seen"]?.value == .datetime(1_700_000_000_123))
        let location = try #require(dev2.properties["Where"]?.value.stringValue)
        #expect(try JSONValue(parsing: location) == JSONValue(parsing: #"{"longitude":8.5,"latitude":47.4,"elevation":400}"#))

        // New values go after the migrated ones, and everything reopens in order.
        store.recordProperty(thing: "Dev1", property: "Temp", .init(value: .number(22), time: 8))
        store.recordProperty(thing: "Dev3", property: "Temp", .init(value: .number(1), time: 9))
        store.close()
        let reopened = try ThingStore(path: path)
        defer { reopened.close() }
        #expect(reopened.thing("Dev1")?.history["Temp"]?.map(\.value) == [.number(20.5), .number(21), .number(22)])
        #expect(reopened.thing("Dev3")?.properties["Temp"]?.value == .number(1))
        #expect(reopened.thing("Dev2")?.properties["Count"]?.value == .integer(7))
    }

    /// Each kind of value reads back as the admin API showed it before (structured values as JSON text).
    @Test func typedColumns_roundTripEveryKindOfValue() throws {
        let path = temporaryPath()
        defer { remove(path) }
        let table = InfoTable.single("x", .number(1))
        let values: [(Primitive, Primitive)] = [
            (.number(-0.25), .number(-0.25)),
            (.number(1e300), .number(1e300)),
            (.integer(Int32.min), .integer(Int32.min)),
            (.boolean(false), .boolean(false)),
            (.datetime(-5), .datetime(-5)),
            (.string("snow ☃ \u{0}"), .string("snow ☃ \u{0}")),
            (.string(""), .string("")),
            (.text(.password, "p"), .text(.password, "p")),
            (.json(#"{"a":1}"#), .json(#"{"a":1}"#)),
            (.nothing, .nothing),
            (.variant(.number(3)), .number(3)),
            (.blob([1, 2, 3]), .string("AQID")),
            (.infoTable(table), .json(table.adminJSON.serialized())),
        ]
        let store = try ThingStore(path: path)
        for (index, value) in values.enumerated() {
            store.recordProperty(thing: "Dev", property: "p\(index)", .init(value: value.0, time: Int64(index), quality: index == 1 ? "" : "GOOD"))
        }
        store.close()
        let reopened = try ThingStore(path: path)
        defer { reopened.close() }
        for (index, value) in values.enumerated() {
            #expect(reopened.property(thing: "Dev", "p\(index)")?.value == value.1, "value \(index): \(value.0)")
            #expect(reopened.property(thing: "Dev", "p\(index)")?.quality == (index == 1 ? "" : "GOOD"))
        }
    }
}
