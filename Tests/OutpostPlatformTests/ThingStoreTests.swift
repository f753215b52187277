import Foundation
import OutpostPlatform
import OutpostWire
import Testing

/// The thing store: connection state, property history and its SQLite file (and the import of the
/// JSON file it replaced).
struct ThingStoreTests {
    private func temporaryPath(_ suffix: String = "sqlite") -> String {
        NSTemporaryDirectory() + "outpost-store-\(UUID().uuidString).\(suffix)"
    }

    private func remove(_ path: String) {
        for extra in ["", "-wal", "-shm", ".imported-json"] { try? FileManager.default.removeItem(atPath: path + extra) }
    }

    @Test func bindAndUnbind_trackConnectionState() throws {
        let store = try ThingStore(path: nil)
        store.setConnected(["Dev1", "Dev2"], true)
        #expect(store.thing("Dev1")?.isConnected == true)
        #expect(store.thing("Dev1")?.lastConnection != nil)
        store.setConnected(["Dev1"], false, reason: "UNBIND")
        #expect(store.thing("Dev1")?.isConnected == false)
        #expect(store.thing("Dev1")?.lastDisconnectReason == "UNBIND")
        #expect(store.things.map(\.name) == ["Dev1", "Dev2"])
    }

    @Test func history_isBoundedByTheLimit() throws {
        let store = try ThingStore(path: nil, historyLimit: 3)
        // Past the limit, and past the slack after which memory is trimmed, at every count.
        for value in 0..<50 {
            store.recordProperty(thing: "Dev1", property: "Temp", .init(value: .number(Double(value)), time: Int64(value)))
            let newest = (max(0, value - 2)...value).map { Primitive.number(Double($0)) }
            #expect(store.thing("Dev1")?.history["Temp"]?.map(\.value) == newest)
            #expect(store.things.first?.history["Temp"]?.map(\.value) == newest)
        }
        #expect(store.property(thing: "Dev1", "Temp")?.value == .number(49))
    }

    @Test func persistedStore_reloadsValuesAndHistory_withNothingConnected() throws {
        let path = temporaryPath()
        defer { remove(path) }
        let store = try ThingStore(path: path)
        store.setConnected(["Dev1"], true)
        store.recordProperty(thing: "Dev1", property: "Temp", .init(value: .number(21.5), time: 1_704_067_200_000))
        store.recordProperty(thing: "Dev1", property: "Mode", .init(value: .string("auto"), time: 1, quality: "UNCERTAIN"))
        store.recordProperty(thing: "Dev1", property: "On", .init(value: .boolean(true), time: 2))
        store.close()
        let reloaded = try ThingStore(path: path)
        defer { reloaded.close() }
        let thing = try #require(reloaded.thing("Dev1"))
        #expect(thing.isConnected == false)
        #expect(thing.properties["Temp"]?.value == .number(21.5))
        #expect(thing.properties["Temp"]?.time == 1_704_067_200_000)
        #expect(thing.properties["Mode"] == .init(value: .string("auto"), time: 1, quality: "UNCERTAIN"))
        #expect(thing.properties["On"]?.value == .boolean(true))
    }

    @Test func unreadableStore_failsWithAdvice() throws {
        let path = temporaryPath("json")
        defer { remove(path) }
        try "{ not json".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: PlatformError.self) { try ThingStore(path: path) }
        #expect(error?.code == .storage)
        #expect(error?.message.contains("move it away") == true)
    }

    /// What a waiter is told is on disk: a second process (a fresh store on the same file, as after a
    /// crash) sees it without the first one closing.
    @Test func whenCommitted_meansTheValuesAreInTheFile() async throws {
        let path = temporaryPath()
        defer { remove(path) }
        let store = try ThingStore(path: path)
        defer { store.close() }
        for value in 1...500 {
            store.recordProperty(thing: "Dev1", property: "seq", .init(value: .number(Double(value)), time: Int64(value)))
        }
        let failure: PlatformError? = await withCheckedContinuation { continuation in
            store.whenCommitted { continuation.resume(returning: $0) }
        }
        #expect(failure == nil)
        let other = try ThingStore(path: path)
        defer { other.close() }
        #expect(other.thing("Dev1")?.history["seq"]?.map(\.value) == (1...500).map { .number(Double($0)) })
    }

    @Test func fileHistory_isTrimmedToTheLimit_keepingTheNewest() throws {
        let path = temporaryPath()
        defer { remove(path) }
        let store = try ThingStore(path: path, historyLimit: 20)
        for value in 0..<95 {
            store.recordProperty(thing: "Dev1", property: "Temp", .init(value: .number(Double(value)), time: Int64(value)))
            if value % 7 == 0 { try store.flush() }
        }
        store.close()
        let reloaded = try ThingStore(path: path, historyLimit: 20)
        defer { reloaded.close() }
        #expect(reloaded.thing("Dev1")?.history["Temp"]?.map(\.value) == (75..<95).map { .number(Double($0)) })
        #expect(reloaded.property(thing: "Dev1", "Temp")?.value == .number(94))
    }

    /// A store.path holding the JSON store of earlier versions is imported once and kept beside.
    @Test func oldJSONStore_isImportedOnce_andKeptAside() throws {
        let path = temporaryPath("json")
        defer { remove(path) }
        try """
            { "version": 1, "things": { "Dev1": { "lastConnection": 1700000000000, "lastDisconnectReason": "UNBIND",
              "history": { "Temp": [ { "baseType": "NUMBER", "value": 20.5, "time": 1, "quality": "GOOD" },
                                     { "baseType": "NUMBER", "value": 21, "time": 2, "quality": "BAD" } ] } } } }
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let store = try ThingStore(path: path)
        #expect(store.importedJSON == path + ".imported-json")
        #expect(FileManager.default.fileExists(atPath: path + ".imported-json"))
        store.recordProperty(thing: "Dev1", property: "Temp", .init(value: .number(22), time: 3))
        store.close()
        let reloaded = try ThingStore(path: path)
        defer { reloaded.close() }
        #expect(reloaded.importedJSON == nil)
        let thing = try #require(reloaded.thing("Dev1"))
        #expect(thing.lastConnection == 1_700_000_000_000)
        #expect(thing.lastDisconnectReason == "UNBIND")
        #expect(thing.history["Temp"]?.map(\.value) == [.number(20.5), .number(21), .number(22)])
        #expect(thing.history["Temp"]?[1].quality == "BAD")
    }

    @Test func damagedSQLiteStore_failsWithAdvice_andIsLeftAlone() throws {
        let path = temporaryPath()
        defer { remove(path) }
        var bytes = Array("SQLite format 3\0".utf8)
        bytes += [UInt8](repeating: 0xA5, count: 4_096)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: PlatformError.self) { try ThingStore(path: path) }
        #expect(error?.code == .storage)
        #expect(error?.message.contains(path) == true)
        #expect(error?.message.contains("move it away") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(bytes))
    }
}
