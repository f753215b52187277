import Foundation
import NIOConcurrencyHelpers

/// A long-running `outpost` subcommand under test: its stdout lines as they come, stderr kept for
/// failure messages, terminated (SIGTERM, by pid) at the end.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    private let stderrText = NIOLockedValueBox("")
    private let state = NIOLockedValueBox(Lines())

    private struct Lines {
        var seen: [String] = []
        var ended = false
        var waiters: [(id: UUID, predicate: @Sendable (String) -> Bool, continuation: CheckedContinuation<String?, Never>)] = []
    }

    /// The `outpost` binary built next to the test bundle (`OUTPOST_BINARY` overrides).
    static let outpostBinary: String = {
        if let override = ProcessInfo.processInfo.environment["OUTPOST_BINARY"], !override.isEmpty { return override }
        var candidates = [URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()]
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent())
        }
        for directory in candidates {
            let path = directory.appendingPathComponent("outpost").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return "outpost"
    }()

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: Self.outpostBinary)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (name, value) in environment { merged[name] = value }
        process.environment = merged
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        let state = self.state
        let pending = NIOLockedValueBox("")
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                let waiters = state.withLockedValue { state in
                    state.ended = true
                    defer { state.waiters = [] }
                    return state.waiters
                }
                for waiter in waiters { waiter.continuation.resume(returning: nil) }
                return
            }
            let complete = pending.withLockedValue { pending -> [String] in
                pending += String(decoding: data, as: UTF8.self)
                var parts = pending.components(separatedBy: "\n")
                pending = parts.removeLast()
                return parts
            }
            for line in complete {
                let matched = state.withLockedValue { state in
                    state.seen.append(line)
                    let matched = state.waiters.filter { $0.predicate(line) }
                    state.waiters.removeAll { $0.predicate(line) }
                    return matched
                }
                for waiter in matched { waiter.continuation.resume(returning: line) }
            }
        }
        let stderrText = self.stderrText
        errors.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                return
            }
            let text = String(decoding: data, as: UTF8.self)
            let complete = stderrText.withLockedValue { all -> [String] in
                let start = all.lastIndex(of: "\n").map { all.index(after: $0) } ?? all.startIndex
                let unfinished = String(all[start...])
                all += text
                var parts = (unfinished + text).components(separatedBy: "\n")
                parts.removeLast()
                return parts
            }
            for line in complete {
                let matched = state.withLockedValue { state in
                    state.seen.append(line)
                    let matched = state.waiters.filter { $0.predicate(line) }
                    state.waiters.removeAll { $0.predicate(line) }
                    return matched
                }
                for waiter in matched { waiter.continuation.resume(returning: line) }
            }
        }
        try process.run()
    }

    var stderr: String { stderrText.withLockedValue { $0 } }

    /// Every stdout and stderr line so far.
    var allOutput: String { state.withLockedValue { $0.seen.joined(separator: "\n") } }

    /// The exit status once the process has ended within `timeout` seconds; nil if it is still running.
    func exitStatus(within timeout: Double) async -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline { return nil }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    /// The first stdout or stderr line (so far or to come) matching `predicate`; nil if the output ends first.
    /// Gives up (nil) after `timeout` seconds.
    func line(timeout: Double = 60, where predicate: @escaping @Sendable (String) -> Bool) async -> String? {
        let id = UUID()
        let state = self.state
        return await withCheckedContinuation { continuation in
            let ready: String?? = state.withLockedValue { state in
                if let line = state.seen.first(where: predicate) { return .some(line) }
                if state.ended { return .some(nil) }
                state.waiters.append((id, predicate, continuation))
                return nil
            }
            if let ready {
                continuation.resume(returning: ready)
                return
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                let expired = state.withLockedValue { state in
                    defer { state.waiters.removeAll { $0.id == id } }
                    return state.waiters.first { $0.id == id }
                }
                expired?.continuation.resume(returning: nil)
            }
        }
    }

    func line(startingWith prefix: String) async -> String? {
        await line { $0.hasPrefix(prefix) }
    }

    /// SIGTERM, then SIGKILL if the process is still running after five seconds: a graceful shutdown
    /// that hangs must not leave the process behind once the test is over.
    func terminate() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            FileHandle.standardError.write(Data("outpost \(process.arguments?.first ?? "") ignored SIGTERM for 5 s; killing it\n".utf8))
            kill(process.processIdentifier, SIGKILL)
        }
    }
}
