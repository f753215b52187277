import Foundation
import OutpostOutbox
import OutpostWire
import Testing

/// `hasQueued(thing:)` answers from per-thing counts kept in memory; these tests hold them against
/// the file through every way an entry comes and goes, across a restart and changes made by a
/// second connection (as `outpost outbox` does while the EMS runs).
@Suite("Outbox queued counts (in memory, exact)")
struct OutboxQueueCountTests {
    /// What the file says, counted by SQL through the public listing.
    private func fileCounts(_ store: OutboxStore) async throws -> [String: Int] {
        try await store.entries(limit: 100_000).reduce(into: [String: Int]()) { $0[$1.thing, default: 0] += 1 }
    }

    private func expectAgree(_ store: OutboxStore, things: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let counts = try await fileCounts(store)
        for thing in things {
            #expect(try await store.hasQueued(thing: thing) == (counts[thing, default: 0] > 0), "\(thing)", sourceLocation: sourceLocation)
        }
    }

    @Test func countsFollowEnqueueDeliveryDeadLettersAndARestart() async throws {
        let directory = try StoreDirectory()
        defer { directory.remove() }
        let things = ["A", "B", "C"]
        do {
            let outbox = try Outbox(settings: directory.settings { $0.batchEntries = 4 }, logger: quietLogger)
            defer { outbox.close() }
            #expect(try await outbox.hasQueued(thing: "A") == false)
            for value in 0..<10 {
                try await outbox.enqueue(put("A", Double(value)))
                try await outbox.enqueue(put("B", Double(value)))
            }
            try await outbox.enqueue(put("C", 1))
            try await expectAgree(outbox.store, things: things)
            #expect(try await outbox.hasQueued(thing: "C"))
            #expect(outbox.queuedCount(thing: "A") == 10 && outbox.queuedCount(thing: "B") == 10 && outbox.queuedCount(thing: "C") == 1)

            // C refused (dead letter), A delivered, B kept (platform says retry).
            let delivery = ScriptedDelivery { request, _ in
                switch request.entityName {
                case "A": .delivered
                case "C": .rejected("NOT_FOUND")
                default: .retry("busy")
                }
            }
            let replayer = OutboxReplayer(outbox: outbox, delivery: delivery, logger: quietLogger)
            let drained = Task { await replayer.drain() }
            let deadline = ContinuousClock.now + .seconds(10)
            // Until the file agrees too: a count drops inside its delete's transaction, before the
            // commit. (A fresh-clone CI run under load, which stopped the replay as soon as the counts
            // said so, found A's rows in the file after the reopen; the cause is not pinned down.)
            while true {
                let a = try await outbox.hasQueued(thing: "A")
                let c = try await outbox.hasQueued(thing: "C")
                if !a && !c, try await fileCounts(outbox.store).keys.allSatisfy({ $0 == "B" }) { break }
                try #require(ContinuousClock.now < deadline, "A and C were not drained")
                await Task.yield()
            }
            drained.cancel()
            await drained.value
            #expect(delivery.values(of: "A") == (0..<10).map(Double.init))
            try await expectAgree(outbox.store, things: things)
            #expect(try await outbox.hasQueued(thing: "B"))
        }

        // Reopened: rebuilt from the file.
        let outbox = try Outbox(settings: directory.settings(), logger: quietLogger)
        defer { outbox.close() }
        #expect(try await outbox.hasQueued(thing: "B"))
        #expect(try await outbox.hasQueued(thing: "A") == false)
        #expect(try await outbox.hasQueued(thing: "C") == false)
        #expect(outbox.queuedCount(thing: "B") == 10)
        try await expectAgree(outbox.store, things: things)

        // A second connection puts C's dead letter back and purges B; the next replay pass sees it.
        let cli = try OutboxStore.open(settings: directory.settings(), logger: quietLogger)
        defer { cli.close() }
        #expect(try await cli.retryDeadLetters(thing: "C") == 1)
        #expect(try await cli.purgeQueued(thing: "B") == 10)
        try await outbox.store.refreshQueueCounts()
        #expect(try await outbox.hasQueued(thing: "C"))
        #expect(try await outbox.hasQueued(thing: "B") == false)
        #expect(outbox.queuedCount(thing: "C") == 1)
        try await expectAgree(outbox.store, things: things)
    }

    @Test func dropOldestTakesDroppedEntriesOffTheirThings() async throws {
        let directory = try StoreDirectory()
        defer { directory.remove() }
        let outbox = try Outbox(settings: directory.settings { $0.maxBytes = 600; $0.overflow = .dropOldest }, logger: quietLogger)
        defer { outbox.close() }
        for value in 0..<5 { try await outbox.enqueue(put("Old", Double(value))) }
        for value in 0..<40 { try await outbox.enqueue(put("New", Double(value))) }
        #expect(try await outbox.status().dropped > 0)
        #expect(try await outbox.hasQueued(thing: "Old") == false)
        #expect(try await outbox.hasQueued(thing: "New"))
        try await expectAgree(outbox.store, things: ["Old", "New"])
    }
}
