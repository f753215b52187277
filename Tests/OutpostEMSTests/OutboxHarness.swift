import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import OutpostWire

/// The outbox's promise tested with real processes: `outpost platform` and `outpost ems` (killed and
/// restarted, or with the platform stopped under load), a load generator writing sequence numbers
/// through the REST API, and a check of the platform's history against every write that got a 2xx.
final class OutboxHarness: @unchecked Sendable {
    let directory = NSTemporaryDirectory() + "outpost-outbox-harness-" + UUID().uuidString
    let things: [String]
    let emsPort: Int
    let alwaysOnPort: Int
    let adminPort: Int
    let token = "harness-admin-token"
    private(set) var platform: ChildProcess?
    private(set) var ems: ChildProcess?
    /// Per thing, the sequence numbers answered with 2xx, in order.
    let acknowledged = NIOLockedValueBox<[String: [Int]]>([:])
    let answered = NIOLockedValueBox<[Int: Int]>([:])
    /// The first body of each status outside 2xx, to say what the refusals were.
    let refusals = NIOLockedValueBox<[Int: String]>([:])
    /// Per thing, the sequence numbers the load generator sent more than once (no answer or a
    /// failure the first time), to tell its own retries from the EMS's replays among duplicates.
    let resent = NIOLockedValueBox<[String: Set<Int>]>([:])
    private let stopLoad = NIOLockedValueBox(false)

    init(things: Int) throws {
        self.things = (1...things).map { "HarnessThing\($0)" }
        emsPort = try freePort()
        alwaysOnPort = try freePort()
        adminPort = try freePort()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try """
            { "listen": { "host": "127.0.0.1", "port": \(alwaysOnPort), "resource": "/Thingworx/WS" },
              "app_keys": ["harness-app-key"],
              "admin": { "host": "127.0.0.1", "port": \(adminPort), "token": "\(token)" },
              "store": { "path": "\(directory)/things.sqlite", "history_limit": 1000000 } }
            """.write(toFile: directory + "/platform.json", atomically: true, encoding: .utf8)
        try """
            { "ws_servers": [{ "host": "127.0.0.1", "port": \(alwaysOnPort) }],
              "appKey": "harness-app-key",
              "ws_connection": { "encryption": "none", "connect_retry_interval": 300, "msg_timeout": 5000 },
              "http_server": { "host": "127.0.0.1", "port": \(emsPort), "ports_to_try": 0, "ssl": false, "authenticate": false } }
            """.write(toFile: directory + "/config.json", atomically: true, encoding: .utf8)
    }

    var environment: [String: String] { ["OUTPOST_SECRET_KEY_FILE": directory + "/secret.key"] }

    func startPlatform() async throws {
        let process = try ChildProcess(["platform", "--config", directory + "/platform.json"], environment: environment)
        platform = process
        guard await process.line(timeout: 30, where: { $0.hasPrefix("listening") }) != nil else {
            throw HarnessError("outpost platform did not start: \(process.stderr)")
        }
    }

    /// SIGTERM (the platform saves its store), then wait for the exit.
    func stopPlatform() async throws {
        guard let platform else { return }
        platform.terminate()
        // Saving a long history on a loaded machine can take a while.
        try await Self.waitForExit(platform, timeout: .seconds(120))
        self.platform = nil
    }

    /// SIGTERM only (no escalation): the exit status if the platform ended within `seconds`, else nil
    /// (it is then killed, so the harness can go on).
    func terminatePlatform(within seconds: Double) async -> Int32? {
        guard let platform else { return nil }
        self.platform = nil
        return await Self.terminate(platform, within: seconds)
    }

    /// The same for `outpost ems`.
    func terminateEMS(within seconds: Double) async -> Int32? {
        guard let ems else { return nil }
        self.ems = nil
        return await Self.terminate(ems, within: seconds)
    }

    private static func terminate(_ child: ChildProcess, within seconds: Double) async -> Int32? {
        kill(child.process.processIdentifier, SIGTERM)
        let status = await child.exitStatus(within: seconds)
        if status == nil {
            kill(child.process.processIdentifier, SIGKILL)
            _ = await child.exitStatus(within: 30)
        }
        return status
    }

    func startEMS() async throws {
        let process = try ChildProcess(
            ["ems", "--config", directory + "/config.json", "--state-dir", directory + "/state", "--log-level", "warning"],
            environment: environment)
        ems = process
        // A deadline, not a pause: a debug build restarted after SIGKILL under load usually starts in
        // about a second, but a starved virtual machine once took longer than 30 s.
        let started = ContinuousClock.now
        guard await process.line(timeout: 90, where: { $0.hasPrefix("listening ") }) != nil else {
            throw HarnessError("outpost ems did not start within \(ContinuousClock.now - started): \(process.stderr)")
        }
    }

    func killEMS() async throws {
        guard let ems else { return }
        kill(ems.process.processIdentifier, SIGKILL)
        try await Self.waitForExit(ems)
        self.ems = nil
    }

    static func waitForExit(_ child: ChildProcess, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while child.process.isRunning {
            guard ContinuousClock.now < deadline else {
                throw HarnessError("\(child.process.arguments?.first ?? "process") \(child.process.processIdentifier) did not exit within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    func shutdown() {
        stopLoad.withLockedValue { $0 = true }
        if let ems { kill(ems.process.processIdentifier, SIGKILL) }
        if let platform { kill(platform.process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: Load

    /// One writer per thing: PUT seq=n until a 2xx, then n+1; failures (the EMS killed, refusing
    /// connections) retry the same n, as a careful client would.
    func startLoad() -> Task<Void, Never> {
        stopLoad.withLockedValue { $0 = false }
        let things = self.things
        return Task {
            await withTaskGroup(of: Void.self) { group in
                for thing in things {
                    group.addTask { await self.write(thing) }
                }
            }
        }
    }

    func stopLoad(_ task: Task<Void, Never>) async {
        stopLoad.withLockedValue { $0 = true }
        await task.value
    }

    private func write(_ thing: String) async {
        var sequence = (acknowledged.withLockedValue { $0[thing]?.last } ?? 0) + 1
        var attempts = 0
        while !stopLoad.withLockedValue({ $0 }) {
            attempts += 1
            if attempts == 2 { resent.withLockedValue { _ = $0[thing, default: []].insert(sequence) } }
            do {
                let reply = try await MiniHTTP.request(
                    "PUT", port: emsPort, path: "/Thingworx/Things/\(thing)/Properties/seq", body: #"{"seq": \#(sequence)}"#)
                answered.withLockedValue { $0[reply.status, default: 0] += 1 }
                if !(200..<300).contains(reply.status) {
                    refusals.withLockedValue { if $0[reply.status] == nil { $0[reply.status] = String(reply.body.prefix(300)) } }
                }
                if (200..<300).contains(reply.status) {
                    acknowledged.withLockedValue { $0[thing, default: []].append(sequence) }
                    sequence += 1
                    attempts = 0
                } else {
                    try? await Task.sleep(for: .milliseconds(20))
                }
            } catch {
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// Waits until `more` writes beyond the current count were answered 2xx.
    func waitForWrites(more: Int, timeout: Duration = .seconds(60)) async throws {
        let count = { self.acknowledged.withLockedValue { $0.values.reduce(0) { $0 + $1.count } } }
        let target = count() + more
        let deadline = ContinuousClock.now + timeout
        while count() < target {
            guard ContinuousClock.now < deadline else { throw HarnessError("fewer than \(more) writes acknowledged within \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    // MARK: Checking

    /// Waits until the EMS reports an empty outbox (everything acknowledged by the platform).
    func waitForDrain(timeout: Duration = .seconds(120)) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            if let reply = try? await MiniHTTP.request("POST", port: emsPort, path: "/Thingworx/Things/LocalEms/Services/GetOutboxStatus", body: "{}") {
                last = reply.body
                if reply.status == 200, reply.body.contains(#""depth":0,"#) { return }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError("the outbox did not drain within \(timeout): \(last)")
    }

    struct Report: CustomStringConvertible {
        var acknowledged = 0
        var lost = 0
        var duplicates = 0
        /// Duplicates of values the load generator itself sent more than once.
        var duplicatesResentByClient = 0
        var outOfOrder = 0
        var description: String {
            "acknowledged \(acknowledged), lost \(lost), duplicates \(duplicates) (client resent \(duplicatesResentByClient), "
                + "EMS replayed a send whose outcome it did not know \(duplicates - duplicatesResentByClient)), out of order \(outOfOrder)"
        }
    }

    /// Every acknowledged value must be in the platform's history; first occurrences must ascend.
    func check() async throws -> Report {
        var report = Report()
        for thing in things {
            let reply = try await MiniHTTP.request(
                "GET", port: adminPort, path: "/admin/things/\(thing)/properties/seq/history", body: nil, bearer: token)
            guard reply.status == 200, case .object(let object) = try JSONValue(parsing: Array(reply.body.utf8)),
                case .array(let records)? = object["history"]
            else { throw HarnessError("no history for \(thing): \(reply.status) \(reply.body.prefix(200))") }
            let history = records.compactMap { record -> Int? in
                guard case .object(let fields) = record, let value = fields["value"] else { return nil }
                switch value {
                case .integer(let number): return Int(number)
                case .number(let number): return Int(number)
                default: return nil
                }
            }
            let acked = acknowledged.withLockedValue { $0[thing] ?? [] }
            let seen = Set(history)
            report.acknowledged += acked.count
            report.lost += acked.filter { !seen.contains($0) }.count
            report.duplicates += history.count - seen.count
            let resent = self.resent.withLockedValue { $0[thing] ?? [] }
            var occurrences: [Int: Int] = [:]
            for value in history { occurrences[value, default: 0] += 1 }
            for (value, count) in occurrences where count > 1 && resent.contains(value) {
                report.duplicatesResentByClient += count - 1
            }
            var highest = 0
            var first = Set<Int>()
            for value in history where first.insert(value).inserted {
                if value < highest { report.outOfOrder += 1 }
                highest = max(highest, value)
            }
        }
        return report
    }
}

/// A minimal HTTP/1.1 client: one request per connection (`Connection: close`), body read to EOF.
enum MiniHTTP {
    struct Reply {
        var status: Int
        var body: String
    }

    /// Gives up after `timeout` (a process killed mid-request may leave the connection half-open).
    static func request(
        _ method: String, port: Int, path: String, body: String?, bearer: String? = nil, timeout: Duration = .seconds(10)
    ) async throws -> Reply {
        try await withThrowingTaskGroup(of: Reply?.self) { group in
            group.addTask { try await exchange(method, port: port, path: path, body: body, bearer: bearer) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let reply = first else {
                throw HarnessError("no answer to \(method) \(path) within \(timeout)")
            }
            return reply
        }
    }

    private static func exchange(_ method: String, port: Int, path: String, body: String?, bearer: String?) async throws -> Reply {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(2))
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let text = try await channel.executeThenClose { inbound, outbound in
            let payload = body ?? ""
            var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(payload.utf8.count)\r\n"
            if body != nil { head += "Content-Type: application/json\r\n" }
            if let bearer { head += "Authorization: Bearer \(bearer)\r\n" }
            try await outbound.write(ByteBuffer(string: head + "\r\n" + payload))
            var response = ""
            for try await var chunk in inbound {
                response += chunk.readString(length: chunk.readableBytes) ?? ""
                if let split = response.range(of: "\r\n\r\n") {
                    let length = response[..<split.lowerBound].split(separator: "\r\n")
                        .first { $0.lowercased().hasPrefix("content-length:") }
                        .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                    if response[split.upperBound...].utf8.count >= length { break }
                }
            }
            return response
        }
        guard text.hasPrefix("HTTP/1.1 "), let status = Int(text.dropFirst(9).prefix(3)) else {
            throw HarnessError("no HTTP response (\(text.count) bytes)")
        }
        let bodyText = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
        return Reply(status: status, body: bodyText)
    }
}
