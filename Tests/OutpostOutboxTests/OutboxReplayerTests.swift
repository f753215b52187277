import Foundation
import OutpostOutbox
import OutpostWire
import Testing

@Suite("Outbox replay")
struct OutboxReplayerTests {
    @Test func replaysPerThingInOrderMergingPropertyWrites() async throws {
        let directory = try StoreDirectory()
        defer { directory.remove() }
        let outbox = try Outbox(settings: directory.settings { $0.batchEntries = 7 }, logger: quietLogger)
        defer { outbox.close() }
        for value in 0..<30 {
            try await outbox.enqueue(put("A", Double(value)))
            try await outbox.enqueue(put("B", Double(100 + value)))
            if value == 10 { try await outbox.enqueue(event("A", "Alarm")) }
        }
        let delivery = ScriptedDelivery()
        delivery.setConnected(false)
        let replayer = OutboxReplayer(outbox: outbox, delivery: delivery, logger: quietLogger)
        await replayer.drain()
        #expect(delivery.attempts == 0)

        delivery.setConnected(true)
        await replayer.drain()
        #expect(delivery.values(of: "A") == (0..<30).map(Double.init))
        #expect(delivery.values(of: "B") == (0..<30).map { Double(100 + $0) })
        let aMessages = delivery.delivered.filter { $0.entityName == "A" }
        // The event sits between value 10 and 11 and is sent alone; the rest go seven at a time.
        #expect(aMessages.map(\.target) == ["UpdateSubscribedPropertyValues", "UpdateSubscribedPropertyValues", "Alarm"] + Array(repeating: "UpdateSubscribedPropertyValues", count: 3))
        let status = try await outbox.status()
        #expect(status.depth == 0)
        #expect(status.delivered == 61)
    }

    @Test func deletesOnlyAfterSuccessAndRetriesFailures() async throws {
        let directory = try StoreDirectory()
        defer { directory.remove() }
        let outbox = try Outbox(settings: directory.settings(), logger: quietLogger)
        defer { outbox.close() }
        for value in 0..<5 { try await outbox.enqueue(put("Pump", Double(value))) }
        let delivery = ScriptedDelivery { _, attempt in attempt < 2 ? .retry("platform busy") : .delivered }
        let replayer = OutboxReplayer(outbox: outbox, delivery: delivery, logger: quietLogger)

        // Stop the replayer in the middle: a failed attempt leaves everything in place.
        let firstTry = OutboxReplayer(outbox: outbox, delivery: ScriptedDelivery { _, _ in .retry("offline") }, logger: quietLogger)
        let task = Task { await firstTry.drain() }
        while try await outbox.store.entries().first?.attempts ?? 0 == 0 { await Task.yield() }
        task.cancel()
        await task.value
        #expect(try await outbox.status().depth == 5)
        #expect(try await outbox.store.entries().first?.lastError == "offline")

        await replayer.drain()
        #expect(delivery.attempts == 3)
        #expect(delivery.values(of: "Pump") == [0, 1, 2, 3, 4])
        #expect(try await outbox.status().depth == 0)
    }

    @Test func refusedWritesBecomeDeadLettersWithTheReason() async throws {
        let directory = try StoreDirectory()
        defer { directory.remove() }
        let outbox = try Outbox(settings: directory.settings(), logger: quietLogger)
        defer { outbox.close() }
        try await outbox.enqueue(put("Ghost", 1))
        try await outbox.enqueue(put("Pump", 1))
        try await outbox.enqueue(put("Pump", 2, property: "bad"))
        try await outbox.enqueue(put("Pump", 3))
        let delivery = ScriptedDelivery { request, _ in
            if request.entityName == "Ghost" { return .rejected("the platform answered NOT_FOUND: no thing Ghost") }
            // A merged push containing the bad property is refused as a whole; alone, only it is.
            if request.target == "bad" { return .rejected("the platform answered BAD_REQUEST: no property bad") }
            if request.target == "UpdateSubscribedPropertyValues",
                let values = request.parameters?.value("values")?.infoTableValue,
                values.rows.contains(where: { $0[0] == .string("bad") })
            {
                return .rejected("the platform answered BAD_REQUEST")
            }
            return .delivered
        }
        let replayer = OutboxReplayer(outbox: outbox, delivery: delivery, logger: quietLogger)
        await replayer.drain()
        let dead = try await outbox.store.deadLetters()
        #expect(dead.map(\.entry.thing).sorted() == ["Ghost", "Pump"])
        #expect(dead.first { $0.entry.thing == "Ghost" }?.reason.contains("NOT_FOUND") == true)
        #expect(dead.first { $0.entry.thing == "Pump" }?.entry.target == "bad")
        #expect(delivery.values(of: "Pump") == [1, 3])
        let status = try await outbox.status()
        #expect(status.depth == 0 && status.deadLetters == 2)
    }

    @Test func expiredEntriesMoveToDeadLetters() async throws {
        let directory = try StoreDirectory()
        defer { directory.remove() }
        let outbox = try Outbox(settings: directory.settings { $0.maxAge = .milliseconds(1) }, logger: quietLogger)
        defer { outbox.close() }
        try await outbox.enqueue(put("Pump", 1))
        let created = try #require(try await outbox.store.entries().first?.createdMillis)
        while Int64(Date().timeIntervalSince1970 * 1000) <= created + 2 { await Task.yield() }
        let delivery = ScriptedDelivery()
        await OutboxReplayer(outbox: outbox, delivery: delivery, logger: quietLogger).drain()
        #expect(delivery.attempts == 0)
        let status = try await outbox.status()
        #expect(status.expired == 1 && status.deadLetters == 1 && status.depth == 0)
    }
}
