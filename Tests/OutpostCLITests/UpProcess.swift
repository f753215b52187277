import Foundation
import NIOConcurrencyHelpers

/// `outpost up` running as a child of the test: every output line kept as it arrives (stdout and
/// stderr), awaited by predicate with a deadline; the pids of its components read from its
/// `started NAME (pid N)` notes; its exit awaited with a deadline.
final class UpProcess: @unchecked Sendable {
    let process = Process()
    let directory: String
    private let state = NIOLockedValueBox(Output())

    private struct Output {
        var lines: [String] = []
        var stdout: [String] = []
        var waiters: [(id: UUID, predicate: @Sendable (String) -> Bool, continuation: CheckedContinuation<String?, Never>)] = []
        var exitWaiters: [@Sendable () -> Void] = []
        var exited = false
    }

    /// The repository root (configs and scripts/ live there).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// Starts `outpost up` on the repository's configs with `stateDirectory` and free ports, in `directory`.
    init(stateDirectory: String, directory: String, extra: [String] = []) throws {
        self.directory = directory
        process.executableURL = URL(fileURLWithPath: OutpostProcess.binaryPath)
        let root = Self.repository
        process.arguments = [
            "up", "--config", root + "/config.json", "--lua-config", root + "/config.lua",
            "--platform-config", root + "/platform.json", "--state-dir", stateDirectory, "--ports", "auto",
        ] + extra
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["OUTPOST_SECRET_KEY_FILE"] = nil
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        for (pipe, isStdout) in [(output, true), (errors, false)] {
            let pending = NIOLockedValueBox("")
            let state = self.state
            pipe.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty {
                    handle.readabilityHandler = nil
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
                        state.lines.append(line)
                        if isStdout { state.stdout.append(line) }
                        let matched = state.waiters.filter { $0.predicate(line) }
                        state.waiters.removeAll { $0.predicate(line) }
                        return matched
                    }
                    for waiter in matched { waiter.continuation.resume(returning: line) }
                }
            }
        }
        let state = self.state
        process.terminationHandler = { _ in
            let (waiters, lineWaiters) = state.withLockedValue { state in
                state.exited = true
                defer {
                    state.exitWaiters = []
                    state.waiters = []
                }
                return (state.exitWaiters, state.waiters)
            }
            for waiter in waiters { waiter() }
            for waiter in lineWaiters { waiter.continuation.resume(returning: nil) }
        }
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// All output so far (stdout and stderr interleaved as read).
    var output: String { state.withLockedValue { $0.lines.joined(separator: "\n") } }
    /// Stdout lines so far.
    var stdoutLines: [String] { state.withLockedValue { $0.stdout } }

    /// The first line (so far or to come) matching `predicate`; nil when `up` exits first or after `timeout` s.
    func line(timeout: Double = 90, where predicate: @escaping @Sendable (String) -> Bool) async -> String? {
        let id = UUID()
        let state = self.state
        return await withCheckedContinuation { continuation in
            let ready: String?? = state.withLockedValue { state in
                if let line = state.lines.first(where: predicate) { return .some(line) }
                if state.exited { return .some(nil) }
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

    /// Waits for `outpost up: ready`; false if it exited or timed out first.
    func waitUntilReady() async -> Bool {
        await line { $0 == "outpost up: ready" } != nil
    }

    /// The pid of component `name`, from `outpost up: started NAME (pid N)`.
    func pid(of name: String) -> pid_t? {
        let prefix = "outpost up: started \(name) (pid "
        let lines = state.withLockedValue { $0.lines }
        guard let line = lines.first(where: { $0.hasPrefix(prefix) }) else { return nil }
        return pid_t(line.dropFirst(prefix.count).prefix { $0.isNumber })
    }

    /// The curl commands of the banner, verbatim.
    var curlCommands: [String] {
        stdoutLines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("curl ") }
    }

    /// Runs a banner line with bash in the directory `up` runs in, as a user pasting it would.
    func runPasted(_ command: String) throws -> OutpostProcess.Result {
        try OutpostProcess.runProgram("/bin/bash", ["-c", command + " --silent --show-error --fail-with-body --max-time 20"], directory: directory)
    }

    /// Sends `signal` to `up` itself.
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for `up` to exit; its status, or nil after `timeout` seconds.
    func waitForExit(timeout: Double = 60) async -> Int32? {
        let state = self.state
        let finished: Bool = await withCheckedContinuation { continuation in
            let done = state.withLockedValue { state in
                if state.exited { return true }
                return false
            }
            if done {
                continuation.resume(returning: true)
                return
            }
            let once = NIOLockedValueBox(false)
            let resume: @Sendable (Bool) -> Void = { value in
                if once.withLockedValue({ fired in defer { fired = true }; return !fired }) { continuation.resume(returning: value) }
            }
            state.withLockedValue { state in
                if state.exited {
                    resume(true)
                } else {
                    state.exitWaiters.append { resume(true) }
                }
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { resume(false) }
        }
        guard finished else { return nil }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// True if no process with `pid` exists any more.
    /// (A zombie counts as gone: it no longer runs, and a container's init may never reap it.)
    static func isGone(_ pid: pid_t) -> Bool {
        if kill(pid, 0) != 0 && errno == ESRCH { return true }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }
}
