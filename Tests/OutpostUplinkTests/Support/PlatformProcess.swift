import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A real `outpost platform` process, as an operator runs it: started from the built binary, told its
/// configuration, stopped or killed with signals.
final class PlatformProcess: @unchecked Sendable {
    let process = Process()
    private let lines: AsyncStream<String>
    /// Finishes when the process has exited (reaped by Foundation), so nobody blocks a thread waiting.
    private let exited: AsyncStream<Void>

    /// The `outpost` executable next to the test bundle (the test target depends on it, so it is built).
    static var binary: String {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("outpost").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("outpost").path
    }

    init(arguments: [String], directory: String) throws {
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        let (stream, continuation) = AsyncStream<String>.makeStream()
        lines = stream
        let (exitStream, exitContinuation) = AsyncStream<Void>.makeStream()
        exited = exitStream
        process.terminationHandler = { _ in exitContinuation.finish() }
        let reader = output.fileHandleForReading
        try process.run()
        // A blocking reader on its own thread turns stdout into lines.
        Thread.detachNewThread {
            var pending = Data()
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    continuation.yield(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
            continuation.finish()
        }
    }

    /// Waits for the `listening alwayson=… admin=…` line; returns the two ports.
    func waitUntilListening(timeout: Duration = .seconds(20)) async throws -> (alwaysOn: Int, admin: Int) {
        let lines = self.lines
        let line = try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                for await line in lines where line.hasPrefix("listening") { return line }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let line else { throw TimedOut(description: "outpost platform did not start within \(timeout)") }
        var ports: [String: Int] = [:]
        for part in line.split(separator: " ") {
            let pair = part.split(separator: "=")
            if pair.count == 2 { ports[String(pair[0])] = Int(pair[1]) }
        }
        return (ports["alwayson"] ?? 0, ports["admin"] ?? 0)
    }

    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// SIGKILL, then wait (without blocking a thread) until Foundation has reaped it.
    func killAndWait() async {
        signal(SIGCONT)
        signal(SIGKILL)
        for await _ in exited {}
    }

    deinit {
        // Never leave a platform behind, even when a test fails before killing it.
        kill(process.processIdentifier, SIGCONT)
        kill(process.processIdentifier, SIGKILL)
    }
}

/// A minimal HTTP/1.1 client for the admin API: one request per connection.
enum AdminClient {
    static func get(port: Int, path: String, token: String) async throws -> (status: Int, body: String) {
        try await request("GET", port: port, path: path, token: token)
    }

    static func request(
        _ method: String, port: Int, path: String, token: String?, body: String = ""
    ) async throws -> (status: Int, body: String) {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var request = ByteBuffer()
            var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(body.utf8.count)\r\n"
            if let token { head += "Authorization: Bearer \(token)\r\n" }
            request.writeString(head + "\r\n" + body)
            try await outbound.write(request)
            var response = ""
            for try await var chunk in inbound {
                response += chunk.readString(length: chunk.readableBytes) ?? ""
                if let split = response.range(of: "\r\n\r\n"),
                    let lengthLine = response[..<split.lowerBound].split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") }),
                    let length = Int(lengthLine.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)),
                    response[split.upperBound...].utf8.count >= length
                {
                    break
                }
            }
            let status = Int(response.split(separator: " ").dropFirst().first ?? "") ?? 0
            let body = response.range(of: "\r\n\r\n").map { String(response[$0.upperBound...]) } ?? ""
            return (status, body)
        }
    }
}
