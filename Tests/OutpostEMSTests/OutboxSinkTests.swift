import Foundation
import Logging
import NIOCore
import OutpostEMS
import OutpostOutbox
import OutpostWire
import Testing

/// The REST facade over the outbox-backed write path, with a scripted platform link.
@Suite("EMS writes through the outbox")
struct OutboxSinkTests {
    struct Setup {
        let harness: EMSHarness
        let outbox: Outbox
        let directory: String

        func stop() {
            harness.stop()
            outbox.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    static func start(link: ScriptedLink, configure: (inout OutboxSettings) -> Void = { _ in }) async throws -> Setup {
        let directory = NSTemporaryDirectory() + "outpost-ems-outbox-" + UUID().uuidString
        var settings = OutboxSettings(path: directory + "/outbox.sqlite", retryDelay: .milliseconds(5) ... .milliseconds(20))
        configure(&settings)
        var logger = Logger(label: "test.ems")
        logger.logLevel = .warning
        let outbox = try Outbox(settings: settings, logger: logger)
        var emsSettings = EMSSettings(host: "127.0.0.1", port: 0)
        emsSettings.auth = nil
        let server = EMSServer(
            settings: emsSettings, link: link, writes: OutboxWriteSink(outbox: outbox, link: link, logger: logger), logger: logger)
        let task = Task { try await server.run() }
        let address = try await server.address()
        return Setup(
            harness: EMSHarness(server: server, link: link, port: address.port ?? 0, tls: nil, task: task), outbox: outbox,
            directory: directory)
    }

    @Test func offlineWritesAre202AndLaterWritesQueueBehindThem() async throws {
        let link = ScriptedLink(connected: false)
        let setup = try await Self.start(link: link)
        defer { setup.stop() }
        let ems = setup.harness
        for value in 1...3 {
            let reply = try await ems.curl("PUT", "/Thingworx/Things/Pump/Properties/seq", body: #"{"seq": \#(value)}"#, auth: false)
            #expect(reply.status == 202)
            #expect(reply.body.contains(#""queued":true"#), "202 body: \(reply.body)")
            #expect(reply.json?["storedForThing"] == .integer(Int64(value)), "the thing's stored writes, this one included: \(reply.body)")
        }
        let event = try await ems.curl("POST", "/Thingworx/Things/Pump/Events/Alarm", body: #"{"message": "hot"}"#, auth: false)
        #expect(event.status == 202)
        #expect(link.sent.isEmpty)
        // The thing's queue, counted in memory: three PUTs and the event.
        #expect(OutboxWriteSink(outbox: setup.outbox, link: link, logger: Logger(label: "test")).queuedCount(thing: "Pump") == 4)

        // Online again, but Pump still has queued writes: the next one queues behind them.
        link.setConnected(true)
        let behind = try await ems.curl("PUT", "/Thingworx/Things/Pump/Properties/seq", body: #"{"seq": 4}"#, auth: false)
        #expect(behind.status == 202)
        // Another thing with nothing queued is sent at once.
        let other = try await ems.curl("PUT", "/Thingworx/Things/Fan/Properties/seq", body: #"{"seq": 1}"#, auth: false)
        #expect(other.status == 200)

        let status = try await ems.curl("POST", "/Thingworx/Things/LocalEms/Services/GetOutboxStatus", body: "{}", auth: false)
        #expect(status.status == 200)
        #expect(status.body.contains(#""depth":5"#), "status: \(status.body)")

        let replayer = OutboxReplayer(outbox: setup.outbox, delivery: PlatformLinkDelivery(link: link), logger: Logger(label: "test"))
        await replayer.drain()
        #expect(try await setup.outbox.status().depth == 0)
        let pump = link.sent.filter { $0.entityName == "Pump" }
        // 1–3 merged into one push, then the event alone, then 4.
        #expect(pump.map(\.target) == ["UpdateSubscribedPropertyValues", "Alarm", "seq"])
        let rows = pump[0].parameters?.value("values")?.infoTableValue?.rows ?? []
        #expect(rows.map { $0[1] } == [.variant(.number(1)), .variant(.number(2)), .variant(.number(3))])

        let direct = try await ems.curl("PUT", "/Thingworx/Things/Pump/Properties/seq", body: #"{"seq": 5}"#, auth: false)
        #expect(direct.status == 200)
    }

    @Test func aFullStoreAnswers507AndKeepsWhatItHas() async throws {
        let link = ScriptedLink(connected: false)
        let setup = try await Self.start(link: link) { $0.maxBytes = 400 }
        defer { setup.stop() }
        var statuses: [Int] = []
        for value in 1...10 {
            statuses.append(try await setup.harness.curl("PUT", "/Thingworx/Things/Pump/Properties/seq", body: #"{"seq": \#(value)}"#, auth: false).status)
        }
        #expect(statuses.first == 202)
        #expect(statuses.last == 507)
        let refused = try await setup.harness.curl("PUT", "/Thingworx/Things/Pump/Properties/seq", body: #"{"seq": 11}"#, auth: false)
        #expect(refused.body.contains("max_size"))
        #expect(try await setup.outbox.status().depth == statuses.filter { $0 == 202 }.count)
    }

    @Test func aWriteWhoseSendFailsIsStoredNotLost() async throws {
        let link = ScriptedLink(connected: true)
        link.answer { _ throws(PlatformLinkError) in throw .failed("connection lost mid-request") }
        let setup = try await Self.start(link: link)
        defer { setup.stop() }
        let reply = try await setup.harness.curl("PUT", "/Thingworx/Things/Pump/Properties/seq", body: #"{"seq": 1}"#, auth: false)
        #expect(reply.status == 202)
        #expect(try await setup.outbox.status().depth == 1)
        // A refusal about the request itself is the answer, not stored.
        link.answer { _ in ResponseBody(status: .notFound, reason: "no thing Ghost") }
        let ghost = try await setup.harness.curl("PUT", "/Thingworx/Things/Ghost/Properties/seq", body: #"{"seq": 1}"#, auth: false)
        #expect(ghost.status == 404)
        #expect(try await setup.outbox.status().depth == 1)
    }

    /// Two writes to one thing at once, the first one's direct send failing: the second must not
    /// overtake it. The first send fails as soon as the second reaches the platform (that would be
    /// the reordering), or after a second without it (the second waited, as it must).
    @Test func aSecondWriteWaitsForTheFirstWhoseSendFails() async throws {
        let link = ScriptedLink(connected: true)
        link.answer { [link] request throws(PlatformLinkError) in
            guard request.parameters?.value("seq") == .number(1) else { return ResponseBody() }
            let deadline = ContinuousClock.now + .seconds(1)
            while ContinuousClock.now < deadline, !link.sent.contains(where: { $0.parameters?.value("seq") == .number(2) }) {
                try? await Task.sleep(for: .milliseconds(10))
            }
            throw .timeout("no answer (scripted)")
        }
        let setup = try await Self.start(link: link)
        defer { setup.stop() }
        let ems = setup.harness
        async let first = ems.curl("PUT", "/Thingworx/Things/Pump/Properties/seq", body: #"{"seq": 1}"#, auth: false)
        // The second write starts once the first is on its way to the platform.
        let started = ContinuousClock.now + .seconds(10)
        while link.sent.isEmpty, ContinuousClock.now < started { try await Task.sleep(for: .milliseconds(5)) }
        let second = try await ems.curl("PUT", "/Thingworx/Things/Pump/Properties/seq", body: #"{"seq": 2}"#, auth: false)
        #expect(try await first.status == 202)
        #expect(second.status == 202, "the second write queues behind the stored first one")
        #expect(link.sent.count == 1, "the second write was not sent past the first")

        link.answer { _ in ResponseBody() }
        let replayer = OutboxReplayer(outbox: setup.outbox, delivery: PlatformLinkDelivery(link: link), logger: Logger(label: "test"))
        await replayer.drain()
        let pushed = link.sent.dropFirst().flatMap { $0.parameters?.value("values")?.infoTableValue?.rows ?? [] }.map { $0[1] }
        #expect(pushed == [.variant(.number(1)), .variant(.number(2))])
    }
}
