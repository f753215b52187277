import Foundation
import OutpostOutbox
import OutpostWire
import Testing

@Suite("Outbox store (real SQLite files)")
struct OutboxStoreTests {
    @Test func entriesSurviveClosingAndReopening() async throws {
        let directory = try StoreDirectory()
        defer { directory.remove() }
        let outbox = try Outbox(settings: directory.settings(), logger: quietLogger)
        for value in 1...5 { try await outbox.enqueue(put("Pump", Double(value))) }
        outbox.close()

        let reopened = try Outbox(settings: directory.settings(), logger: quietLogger)
        defer { reopened.close() }
        let status = try await reopened.status()
        #expect(status.depth == 5)
        #expect(status.bytes > 0)
        let entries = try await reopened.store.entries()
        #expect(try entries.map { try $0.request() } == (1...5).map { put("Pump", Double($0)) })
    }

    @Test func concurrentEnqueuesShareCommitsAndAllLand() async throws {
        let directory = try StoreDirectory()
        defer { directory.remove() }
        let outbox = try Outbox(settings: directory.settings(), logger: quietLogger)
        defer { outbox.close() }
        let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
            for value in 0..<400 { group.addTask { try await outbox.enqueue(put("T\(value % 4)", Double(value))) } }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        #expect(Set(ids).count == 400)
        #expect(try await outbox.status().depth == 400)
        #expect(try await outbox.status().things == 4)
    }

    @Test func rejectNewRefusesWhatDoesNotFit() async throws {
        let directory = try StoreDirectory()
        defer { directory.remove() }
        let outbox = try Outbox(settings: directory.settings { $0.maxBytes = 1_000 }, logger: quietLogger)
        defer { outbox.close() }
        var stored = 0
        var refusal: OutboxError?
        for value in 0..<100 {
            do {
                try await outbox.enqueue(put("Pump", Double(value)))
                stored += 1
            } catch {
                refusal = error
                break
            }
        }
        let error = try #require(refusal)
        #expect(error.code == .full)
        #expect(error.message.contains("max_size"))
        let status = try await outbox.status()
        #expect(status.depth == stored)
        #expect(status.bytes <= 1_000)
        #expect(status.dropped == 0)
        // The first values are the ones kept.
        #expect(try await outbox.store.entries(limit: 1).first?.request() == put("Pump", 0))
    }

    @Test func dropOldestMakesRoomAndCounts() async throws {
        let directory = try StoreDirectory()
        defer { directory.remove() }
        let outbox = try Outbox(settings: directory.settings { $0.maxBytes = 1_000; $0.overflow = .dropOldest }, logger: quietLogger)
        defer { outbox.close() }
        for value in 0..<100 { try await outbox.enqueue(put("Pump", Double(value))) }
        let status = try await outbox.status()
        #expect(status.bytes <= 1_000)
        #expect(status.dropped == Int64(100 - status.depth))
        #expect(status.dropped > 0)
        let entries = try await outbox.store.entries(limit: 1_000)
        #expect(try entries.last?.request() == put("Pump", 99))
        #expect(try entries.first?.request() == put("Pump", Double(100 - status.depth)))
    }

    @Test func corruptFileIsRefusedWithItsNameUnlessMovedAside() async throws {
        let directory = try StoreDirectory()
        defer { directory.remove() }
        let garbage = Data(repeating: 0x5A, count: 8_192)
        try garbage.write(to: URL(fileURLWithPath: directory.file))
        #expect {
            _ = try Outbox(settings: directory.settings(), logger: quietLogger)
        } throws: { error in
            guard let error = error as? OutboxError else { return false }
            return error.code == .corrupt && error.message.contains(directory.file) && error.message.contains("--outbox-move-aside")
        }
        // Nothing was changed.
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.file)) == garbage)

        let outbox = try Outbox(settings: directory.settings(), moveAside: true, logger: quietLogger)
        defer { outbox.close() }
        #expect(try await outbox.status().depth == 0)
        let moved = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("outbox.sqlite.corrupt-") }
        #expect(moved.count == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.path + "/" + moved[0])) == garbage)
    }

    @Test func deadLettersCanBeRetriedAndPurgedFromASecondConnection() async throws {
        let directory = try StoreDirectory()
        defer { directory.remove() }
        let outbox = try Outbox(settings: directory.settings(), logger: quietLogger)
        defer { outbox.close() }
        for value in 0..<3 { try await outbox.enqueue(put("Ghost", Double(value))) }
        let ids = try await outbox.store.entries().map(\.id)
        try await outbox.store.deadLetter(ids, reason: "NOT_FOUND")

        // A second store on the same file, as `outpost outbox` while the EMS runs.
        let cli = try OutboxStore.open(settings: directory.settings(), logger: quietLogger)
        defer { cli.close() }
        let dead = try await cli.deadLetters()
        #expect(dead.map(\.reason) == ["NOT_FOUND", "NOT_FOUND", "NOT_FOUND"])
        #expect(try await cli.retryDeadLetters(ids: [dead[0].id]) == 1)
        #expect(try await outbox.status().depth == 1)
        #expect(try await cli.purgeDeadLetters() == 2)
        #expect(try await cli.purgeQueued(thing: "Ghost") == 1)
        let status = try await outbox.status()
        #expect(status.depth == 0 && status.bytes == 0 && status.deadLetters == 0)
    }
}
