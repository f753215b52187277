import Foundation
import OutpostWire
import Testing

@testable import OutpostPlatform

/// The store's log is checkpointed on a connection of its own, not inside the writer's commits, and
/// what was committed meanwhile survives.
struct WALCheckpointerTests {
    private func committed(_ store: ThingStore) async {
        await withCheckedContinuation { continuation in store.whenCommitted { _ in continuation.resume() } }
    }

    @Test func theLogIsCheckpointedBesideTheWriter_andStaysBounded() async throws {
        let path = NSTemporaryDirectory() + "outpost-wal-\(UUID().uuidString).sqlite"
        defer { for extra in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + extra) } }
        let store = try ThingStore(path: path, historyLimit: 100_000)
        let checkpointer = try #require(store.checkpointer, "a file store has a checkpointer")
        let commits = WALCheckpointer.interval * 6
        var largestLog: UInt64 = 0
        for value in 0..<commits {
            store.recordProperty(thing: "Dev1", property: "Temp", .init(value: .number(Double(value)), time: Int64(value)))
            await committed(store)
            checkpointer.waitIdle()
            let size = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size]) as? UInt64
            largestLog = max(largestLog, size ?? 0)
        }
        #expect(checkpointer.completed == commits / WALCheckpointer.interval, "one checkpoint per \(WALCheckpointer.interval) commits")
        // Each commit appends the pages it changed; without checkpoints the log would hold them all.
        let pageSize: UInt64 = 4096
        #expect(largestLog < UInt64(WALCheckpointer.interval) * 4 * pageSize, "the log restarts after each checkpoint: largest \(largestLog) bytes")
        store.close()
        let reloaded = try ThingStore(path: path, historyLimit: 100_000)
        defer { reloaded.close() }
        #expect(reloaded.thing("Dev1")?.history["Temp"]?.count == commits, "every committed value is in the file")
        #expect(reloaded.property(thing: "Dev1", "Temp")?.value == .number(Double(commits - 1)))
    }
}
