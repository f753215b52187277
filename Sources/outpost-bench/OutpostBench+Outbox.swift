import ArgumentParser
import Foundation
import Logging
import OutpostOutbox
import OutpostPlatform
import OutpostSecrets
import OutpostUplink
import OutpostWire

extension OutpostBench {
    /// Durable enqueue rate while offline and drain rate to the reference platform after reconnect.
    struct Outbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "outbox",
            abstract: "Outbox: durable enqueue rate offline, then drain rate to the reference platform.",
            discussion: """
                Enqueues --values property writes (sequence numbers over --things things) from --writers \
                concurrent writers into a fresh store file (crash-safe durability unless --power-loss), \
                with no platform: each enqueue returns only after its transaction committed (group commit). \
                Then starts the reference platform and an uplink in this process and replays the store \
                until it is empty, each batch deleted only after the platform's SUCCESS, and checks that \
                the platform's history holds every value in order. The platform appends what it receives \
                to its SQLite store before answering (unless --memory-platform). Prints both rates (wall clock).
                """
        )

        @Option(help: "Writes to queue.") var values = 100_000
        @Option(help: "Things the writes are spread over.") var things = 10
        @Option(help: "Concurrent writers.") var writers = 64
        @Flag(help: "fsync on every commit instead of crash-safe.") var powerLoss = false
        @Flag(help: "Keep the platform's things in memory instead of its SQLite store file.") var memoryPlatform = false

        final class RoundTrips: @unchecked Sendable {
            private let lock = NSLock()
            private var messages = 0
            private var seconds = 0.0

            func add(_ duration: Double) {
                lock.withLock {
                    messages += 1
                    seconds += duration
                }
            }

            var total: (messages: Int, seconds: Double) { lock.withLock { (messages, seconds) } }
        }

        struct UplinkDelivery: OutboxDelivery {
            let uplink: Uplink
            /// Messages sent and the time spent waiting for their answers (summed over parallel sends),
            /// to tell the platform round trip from the outbox's own work in the drain figure.
            let roundTrips = RoundTrips()
            var isConnected: Bool { uplink.isConnected }
            func deliver(_ request: RequestBody) async -> OutboxDeliveryResult {
                let start = ContinuousClock.now
                defer {
                    let seconds = Outbox.seconds(ContinuousClock.now - start)
                    roundTrips.add(seconds)
                }
                do {
                    let reply = try await uplink.send(request)
                    return reply.status.isSuccess ? .delivered : .rejected(reply.status.name)
                } catch {
                    return .retry(error.message)
                }
            }
        }

        func run() async throws {
            var logger = Logger(label: "outpost-bench.outbox")
            logger.logLevel = .error
            let directory = NSTemporaryDirectory() + "outpost-bench-outbox-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let settings = OutboxSettings(
                path: directory + "/outbox.sqlite", durability: powerLoss ? .powerLoss : .crashSafe, maxBytes: 1 << 40)
            let outbox = try OutpostOutbox.Outbox(settings: settings, logger: logger)
            defer { outbox.close() }

            let clock = ContinuousClock()
            let perWriter = values / writers
            let total = perWriter * writers
            let start = clock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        let thing = "Bench\(writer % things)"
                        for index in 0..<perWriter {
                            let value = Double(index * writers + writer)
                            try await outbox.enqueue(
                                RequestBody(
                                    method: .put, entityName: thing, characteristic: .properties, target: "seq",
                                    parameters: .single("seq", .number(value))))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let enqueueSeconds = Self.seconds(clock.now - start)
            let status = try await outbox.status()
            print("enqueue: \(total) writes, \(writers) writers, \(settings.durability.rawValue): \(BenchClock.round1(enqueueSeconds)) s = \(BenchClock.rate(Double(total) / enqueueSeconds)) (store \(status.bytes / 1024) KiB)")

            let token = SecretValue("bench-admin-token")
            let platform = try PlatformServer(
                settings: PlatformSettings(
                    tls: nil, appKeys: [SecretValue("bench-app-key")], adminToken: token,
                    storePath: memoryPlatform ? nil : directory + "/things.sqlite", historyLimit: total + 1),
                logger: logger)
            let platformTask = Task { try await platform.run() }
            defer { platformTask.cancel() }
            let addresses = try await platform.addresses()
            let uplink = Uplink(
                settings: UplinkSettings(
                    servers: [.init(host: "127.0.0.1", port: addresses.alwaysOnPort)], appKey: "bench-app-key", tls: nil),
                logger: logger)
            let uplinkTask = Task { try await uplink.run() }
            defer { uplinkTask.cancel() }
            let connectDeadline = clock.now + .seconds(30)
            while !uplink.isConnected {
                guard clock.now < connectDeadline else { throw ValidationError("the uplink did not connect to the in-process platform") }
                try await Task.sleep(for: .milliseconds(5))
            }
            let delivery = UplinkDelivery(uplink: uplink)
            let replayer = OutboxReplayer(outbox: outbox, delivery: delivery, logger: logger)
            let drainStart = clock.now
            await replayer.drain()
            let drainSeconds = Self.seconds(clock.now - drainStart)
            let after = try await outbox.status()
            print("drain: \(after.delivered) writes to the reference platform: \(BenchClock.round1(drainSeconds)) s = \(BenchClock.rate(Double(after.delivered) / drainSeconds)); left \(after.depth), dead letters \(after.deadLetters)")
            let trips = delivery.roundTrips.total
            print("  \(trips.messages) messages; waiting for the platform's answers: \(BenchClock.round1(trips.seconds)) s summed over up to \(settings.parallelThings) parallel things (the rest of \(settings.parallelThings) × \(BenchClock.round1(drainSeconds)) s is the outbox: read, batch, encode, delete)")

            // Each writer's values (value % writers) must arrive in the order it wrote them.
            var stored = 0
            var ordered = true
            for index in 0..<things {
                let history = platform.store.thing("Bench\(index)")?.history["seq"] ?? []
                stored += history.count
                var last: [Int: Int] = [:]
                for case let value? in history.map({ $0.value.doubleValue.map(Int.init) }) {
                    if let previous = last[value % writers], previous >= value { ordered = false }
                    last[value % writers] = value
                }
            }
            print("platform history: \(stored) values, per-thing order \(ordered ? "intact" : "BROKEN")")
            if stored != total || !ordered { throw ExitCode(1) }
        }

        static func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
    }
}
