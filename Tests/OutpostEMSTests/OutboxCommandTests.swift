import Foundation
import Logging
import OutpostOutbox
import OutpostTestSupport
import OutpostWire
import Testing

/// `outpost outbox list|retry|purge` as processes, on a store file another process (this test, standing
/// in for a running EMS) holds open and writes to.
@Suite("outpost outbox commands on a live store", .blockingWork)
struct OutboxCommandTests {
    static func outpost(_ arguments: [String]) async throws -> String {
        try await EMSHarness.run(ChildProcess.outpostBinary, arguments)
    }

    @Test func listRetryAndPurgeWhileTheStoreIsOpen() async throws {
        let directory = NSTemporaryDirectory() + "outpost-outbox-cli-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var logger = Logger(label: "test.outbox")
        logger.logLevel = .critical
        let path = directory + "/outbox.sqlite"
        let outbox = try Outbox(settings: OutboxSettings(path: path), logger: logger)
        defer { outbox.close() }
        for value in 1...3 {
            try await outbox.enqueue(
                RequestBody(method: .put, entityName: "Pump", characteristic: .properties, target: "seq", parameters: .single("seq", .number(Double(value)))))
        }
        try await outbox.enqueue(
            RequestBody(method: .post, entityName: "Ghost", characteristic: .events, target: "Alarm", parameters: .single("m", .string("x"))))
        let ghost = try #require(try await outbox.store.entries(thing: "Ghost").first)
        try await outbox.store.deadLetter([ghost.id], reason: "the platform answered NOT_FOUND: no thing Ghost")

        let list = try await Self.outpost(["outbox", "list", "--store", path])
        #expect(list.contains("queued 3 writes"), "list: \(list)")
        #expect(list.contains("dead letters 1"))
        #expect(list.components(separatedBy: "\tPump\tproperty\tseq\t").count == 4)
        let dead = try await Self.outpost(["outbox", "list", "--dead", "--store", path])
        #expect(dead.contains("Ghost\tevent\tAlarm") && dead.contains("NOT_FOUND"), "dead: \(dead)")

        let retried = try await Self.outpost(["outbox", "retry", "--all", "--store", path])
        #expect(retried.contains("1 dead letters queued again"))
        var status = try await outbox.status()
        #expect(status.depth == 4 && status.deadLetters == 0)

        // Purging queued writes needs --yes; without it nothing is deleted.
        let refused = try await Self.outpost(["outbox", "purge", "--queued", "--thing", "Ghost", "--store", path])
        #expect(!refused.contains("deleted"))
        #expect(try await outbox.status().depth == 4)
        let purged = try await Self.outpost(["outbox", "purge", "--queued", "--thing", "Ghost", "--yes", "--store", path])
        #expect(purged.contains("1 queued writes deleted"))
        status = try await outbox.status()
        #expect(status.depth == 3 && status.things == 1)

        // The store keeps working for the process that holds it.
        try await outbox.enqueue(
            RequestBody(method: .put, entityName: "Pump", characteristic: .properties, target: "seq", parameters: .single("seq", .number(4))))
        #expect(try await outbox.status().depth == 4)

        let missing = try await Self.outpost(["outbox", "list", "--store", directory + "/nope.sqlite"])
        #expect(missing.isEmpty)
    }
}
