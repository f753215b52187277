import Foundation
import Logging
import NIOConcurrencyHelpers
import OutpostEMS
import OutpostOutbox
import OutpostWire
import Testing

/// Writes to one thing that arrive while a delivery for it runs go next, together: one push
/// message in arrival order, each write answered from it; a refusal or a failed send is handled
/// per write. Driven through `OutboxWriteSink` with a scripted link whose first send is held open.
@Suite("EMS writes grouped per thing")
struct ThingWriteGroupTests {
    /// Holds the first send until ``open()``; answers the rest with `answer`.
    final class Gate: Sendable {
        private let waiter = NIOLockedValueBox<CheckedContinuation<Void, Never>?>(nil)
        private let opened = NIOLockedValueBox(false)

        func wait() async {
            await withCheckedContinuation { continuation in
                let now = opened.withLockedValue { opened in
                    if !opened { waiter.withLockedValue { $0 = continuation } }
                    return opened
                }
                if now { continuation.resume() }
            }
        }

        func open() {
            let continuation = opened.withLockedValue { opened -> CheckedContinuation<Void, Never>? in
                opened = true
                return waiter.withLockedValue { waiter in
                    defer { waiter = nil }
                    return waiter
                }
            }
            continuation?.resume()
        }
    }

    struct Setup {
        let sink: OutboxWriteSink
        let outbox: Outbox
        let link: ScriptedLink
        let directory: String

        func stop() {
            outbox.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    static func setUp(
        gate: Gate, batchEntries: Int = 500, answer: @escaping @Sendable (RequestBody) throws(PlatformLinkError) -> ResponseBody
    ) throws -> Setup {
        let directory = NSTemporaryDirectory() + "outpost-ems-groups-" + UUID().uuidString
        let settings = OutboxSettings(path: directory + "/outbox.sqlite", batchEntries: batchEntries)
        let outbox = try Outbox(settings: settings, logger: Logger(label: "test.groups"))
        let link = ScriptedLink()
        let first = NIOLockedValueBox(true)
        link.answer { request throws(PlatformLinkError) in
            let isFirst = first.withLockedValue { isFirst in
                defer { isFirst = false }
                return isFirst
            }
            if isFirst { await gate.wait() }
            return try answer(request)
        }
        return Setup(sink: OutboxWriteSink(outbox: outbox, link: link, logger: Logger(label: "test.groups")), outbox: outbox, link: link, directory: directory)
    }

    static func put(_ property: String, _ value: Double) -> RequestBody {
        RequestBody(
            method: .put, entityName: "Pump", characteristic: .properties, target: property,
            parameters: InfoTable(fields: [FieldDefinition(name: property, baseType: .number)], rows: [[.number(value)]]))
    }

    /// Starts the held first write, then `later` one by one, each only once the previous one waits.
    static func writeWhileHeld(_ setup: Setup, first: RequestBody, later: [RequestBody]) async throws
        -> [Task<Result<ResponseBody?, PlatformLinkError>, Never>]
    {
        func start(_ request: RequestBody) -> Task<Result<ResponseBody?, PlatformLinkError>, Never> {
            Task {
                do throws(PlatformLinkError) {
                    return .success(try await setup.sink.write(request))
                } catch {
                    return .failure(error)
                }
            }
        }
        var tasks = [start(first)]
        try await until("the first write is on the link") { setup.link.sent.count == 1 }
        for (index, request) in later.enumerated() {
            tasks.append(start(request))
            try await until("write \(index + 2) waits") { setup.sink.waitingWrites(thing: "Pump") == index + 1 }
        }
        return tasks
    }

    static func until(_ what: String, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw HarnessError("timed out waiting until \(what)") }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    @Test func writesThatWaitedGoAsOnePushInArrivalOrder_eachAnsweredFromIt() async throws {
        let gate = Gate()
        let setup = try Self.setUp(gate: gate) { _ in ResponseBody() }
        defer { setup.stop() }
        let tasks = try await Self.writeWhileHeld(setup, first: Self.put("seq", 0), later: (1...9).map { Self.put("seq", Double($0)) })
        gate.open()
        for task in tasks {
            let reply = try await task.value.get()
            #expect(reply?.status == .success, "every write is answered with the platform's SUCCESS, none stored")
        }
        let sent = setup.link.sent
        #expect(sent.count == 2, "the held PUT, then one push for the nine that waited: \(sent.map(\.target))")
        #expect(sent.first == Self.put("seq", 0))
        #expect(sent.last?.target == OutboxBatch.pushService)
        let rows = sent.last?.parameters?.value("values")?.infoTableValue?.rows ?? []
        #expect(rows.map { $0[1] } == (1...9).map { Primitive.variant(.number(Double($0))) }, "arrival order kept")
        #expect(rows.allSatisfy { $0[0] == .string("seq") && $0[3] == .string("GOOD") })
        #expect(try await setup.outbox.status().depth == 0)
    }

    @Test func aRefusedGroupIsSentAgainWriteByWrite_soOnlyTheBadOneFails() async throws {
        let gate = Gate()
        let setup = try Self.setUp(gate: gate) { request in
            if request.target == OutboxBatch.pushService || request.target == "missing" { return ResponseBody(status: .notFound, reason: "no such property") }
            return ResponseBody()
        }
        defer { setup.stop() }
        let later = [Self.put("a", 1), Self.put("missing", 2), Self.put("b", 3)]
        let tasks = try await Self.writeWhileHeld(setup, first: Self.put("a", 0), later: later)
        gate.open()
        var statuses: [ResponseStatus?] = []
        for task in tasks { statuses.append(try await task.value.get()?.status) }
        #expect(statuses == [.success, .success, .notFound, .success])
        #expect(setup.link.sent.map(\.target) == ["a", OutboxBatch.pushService, "a", "missing", "b"])
    }

    @Test func aGroupWhoseSendFailsIsStoredInOrder() async throws {
        let gate = Gate()
        let setup = try Self.setUp(gate: gate) { request throws(PlatformLinkError) in
            if request.target == OutboxBatch.pushService { throw .failed("connection lost (scripted)") }
            return ResponseBody()
        }
        defer { setup.stop() }
        let tasks = try await Self.writeWhileHeld(setup, first: Self.put("seq", 0), later: (1...3).map { Self.put("seq", Double($0)) })
        gate.open()
        var stored = 0
        for (index, task) in tasks.enumerated() {
            let reply = try await task.value.get()
            if index == 0 { #expect(reply?.status == .success) } else if reply == nil { stored += 1 }
        }
        #expect(stored == 3, "each write of the failed group is answered 202")
        let queue = try await setup.outbox.store.peek(thing: "Pump", after: 0, limit: 10)
        #expect(try queue.map { try $0.request() } == (1...3).map { Self.put("seq", Double($0)) })
    }

    @Test func batchEntriesOneKeepsEveryPutAsSent() async throws {
        let gate = Gate()
        let setup = try Self.setUp(gate: gate, batchEntries: 1) { _ in ResponseBody() }
        defer { setup.stop() }
        let tasks = try await Self.writeWhileHeld(setup, first: Self.put("seq", 0), later: (1...3).map { Self.put("seq", Double($0)) })
        gate.open()
        for task in tasks { #expect(try await task.value.get()?.status == .success) }
        #expect(setup.link.sent == (0...3).map { Self.put("seq", Double($0)) })
    }
}
