import Foundation
import NIOConcurrencyHelpers
import UnixSignals

/// Runs the demo's components as child processes of this binary and stops them together.
///
/// Components start one at a time, each awaited by its `listening …` line on stdout (the next one's
/// config depends on the ports it reports). Afterwards the supervisor waits for SIGINT/SIGTERM or for a
/// child to end on its own; either way it stops the remaining children in reverse order of start:
/// SIGTERM, then SIGKILL after a grace period. Every event (a ready line, an exit, a signal, a
/// deadline) arrives on one stream read by one task, so there is no shared state to race on.
final class Supervisor {
    enum Event: Sendable {
        case ready(String, String)
        case exited(String, ChildExitStatus)
        case signal(UnixSignal)
        case deadline(String)
    }

    /// Why the supervisor stopped waiting.
    enum Ending: Error {
        case signal(UnixSignal)
        case childExited(String, pid_t, ChildExitStatus)
        case notReady(String, Duration)
    }

    private let executable: String
    private let environment: [String: String]
    private let events: AsyncStream<Event>
    private let sink: AsyncStream<Event>.Continuation
    private var iterator: AsyncStream<Event>.AsyncIterator
    private var signalTask: Task<Void, Never>?
    private let lifeline: (readEnd: Int32, writeEnd: Int32)
    private(set) var children: [SupervisedChild] = []
    /// Wait for SIGTERM to work before SIGKILL.
    let gracePeriod: Duration

    /// - Parameter environment: Variables every child gets on top of this process's environment.
    init(executable: String, environment: [String: String] = [:], gracePeriod: Duration = .seconds(10)) async throws(UpStateError) {
        self.executable = executable
        self.environment = environment
        self.gracePeriod = gracePeriod
        (events, sink) = AsyncStream.makeStream(of: Event.self)
        iterator = events.makeAsyncIterator()
        lifeline = try SupervisorLifeline.make()
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        let sink = self.sink
        signalTask = Task {
            for await signal in signals { sink.yield(.signal(signal)) }
        }
    }

    deinit {
        signalTask?.cancel()
        close(lifeline.readEnd)
        close(lifeline.writeEnd)
    }

    /// Starts `outpost ARGUMENTS` as `name` and waits for its `listening` line (returned).
    func start(_ name: String, _ arguments: [String], readyWithin timeout: Duration = .seconds(60)) async throws -> String {
        let sink = self.sink
        let announced = ReadyFlag()
        let child = try SupervisedChild(
            name: name, executable: executable, arguments: arguments, environment: environment, lifeline: lifeline.readEnd,
            onLine: { line in
                UpOutput.relay(name, line)
                if !line.isError, line.text.hasPrefix("listening "), announced.setOnce() {
                    sink.yield(.ready(name, line.text))
                }
            },
            onExit: { status in sink.yield(.exited(name, status)) })
        children.append(child)
        UpOutput.note("started \(name) (pid \(child.pid)): outpost \(arguments.joined(separator: " "))")
        let deadline = Task {
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { sink.yield(.deadline(name)) }
        }
        defer { deadline.cancel() }
        while let event = await iterator.next() {
            switch event {
            case .ready(let readyName, let line) where readyName == name:
                return line
            case .exited(let exitedName, let status):
                throw Ending.childExited(exitedName, pid(of: exitedName), status)
            case .signal(let signal):
                throw Ending.signal(signal)
            case .deadline(let late) where late == name:
                throw Ending.notReady(name, timeout)
            default:
                continue
            }
        }
        throw Ending.signal(.sigterm)
    }

    /// Waits until a signal arrives or a child ends.
    func waitForEnd() async -> Ending {
        while let event = await iterator.next() {
            switch event {
            case .exited(let name, let status): return .childExited(name, pid(of: name), status)
            case .signal(let signal): return .signal(signal)
            case .ready, .deadline: continue
            }
        }
        return .signal(.sigterm)
    }

    /// Stops every child still running, last started first: SIGTERM, then SIGKILL if it is still there
    /// after the grace period. A second SIGINT/SIGTERM meanwhile (an impatient Ctrl-C) kills the rest.
    func stopAll() async {
        var forced = false
        for child in children.reversed() where child.exitStatus == nil {
            if forced {
                child.send(SIGKILL)
            } else {
                UpOutput.note("stopping \(child.name) (pid \(child.pid))")
                child.send(SIGTERM)
            }
            let sink = self.sink
            let grace = gracePeriod
            let timer = Task {
                try? await Task.sleep(for: grace)
                if !Task.isCancelled { sink.yield(.deadline(child.name)) }
            }
            defer { timer.cancel() }
            waiting: while child.exitStatus == nil, let event = await iterator.next() {
                switch event {
                case .exited(let name, let status) where name == child.name:
                    UpOutput.note("\(name) stopped (\(status))")
                    break waiting
                case .deadline(let name) where name == child.name:
                    UpOutput.note("\(name) did not stop within \(grace) of SIGTERM; sending SIGKILL")
                    child.send(SIGKILL)
                case .signal(let signal) where !forced:
                    UpOutput.note("\(signal) again: killing what is left")
                    forced = true
                    for other in children where other.exitStatus == nil { other.send(SIGKILL) }
                default:
                    continue
                }
            }
        }
    }

    private func pid(of name: String) -> pid_t {
        children.first { $0.name == name }?.pid ?? 0
    }
}

/// A flag that can be set once, from any thread.
private final class ReadyFlag: Sendable {
    private let flag = NIOLockedValueBox(false)

    /// True the first time only.
    func setOnce() -> Bool {
        flag.withLockedValue { value in
            defer { value = true }
            return !value
        }
    }
}
