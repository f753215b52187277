import Foundation
import OutpostPlatform
import OutpostWire
import Testing

/// The thing store: connection state, property history and its JSON file.
struct ThingStoreTests {
    private func temporaryPath() -> String {
        NSTemporaryDirectory() + "outpost-store-\(UUID().uuidString).json"
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
        for value in 0..<5 {
            store.recordProperty(thing: "Dev1", property: "Temp", .init(value: .number(Double(value)), time: Int64(value)))
        }
        #expect(store.thing("Dev1")?.history["Temp"]?.map(\.value) == [.number(2), .number(3), .number(4)])
        #expect(store.property(thing: "Dev1", "Temp")?.value == .number(4))
    }

    @Test func persistedStore_reloadsValuesAndHistory_withNothingConnected() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try ThingStore(path: path)
        store.setConnected(["Dev1"], true)
        store.recordProperty(thing: "Dev1", property: "Temp", .init(value: .number(21.5), time: 1_704_067_200_000))
        store.recordProperty(thing: "Dev1", property: "Mode", .init(value: .string("auto"), time: 1, quality: "UNCERTAIN"))
        store.recordProperty(thing: "Dev1", property: "On", .init(value: .boolean(true), time: 2))
        try store.persistIfDirty()
        let reloaded = try ThingStore(path: path)
        let thing = try #require(reloaded.thing("Dev1"))
        #expect(thing.isConnected == false)
        #expect(thing.properties["Temp"]?.value == .number(21.5))
        #expect(thing.properties["Temp"]?.time == 1_704_067_200_000)
        #expect(thing.properties["Mode"] == .init(value: .string("auto"), time: 1, quality: "UNCERTAIN"))
        #expect(thing.properties["On"]?.value == .boolean(true))
    }

    @Test func unreadableStore_failsWithAdvice() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "{ not json".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: PlatformError.self) { try ThingStore(path: path) }
        #expect(error?.code == .storage)
        #expect(error?.message.contains("move it away") == true)
    }
}
