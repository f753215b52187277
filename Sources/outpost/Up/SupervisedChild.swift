import Foundation
import NIOConcurrencyHelpers

/// One component run by `outpost up`: a child process started with `posix_spawn` in its own process
/// group (so a terminal's Ctrl-C reaches only the supervisor, which then stops the children in order),
/// with its stdout and stderr read line by line on dedicated threads and its exit awaited with
/// `waitpid` on another (reported through `onExit`).
///
/// The child also inherits the read end of a "lifeline" pipe whose write end only the supervisor
/// holds: when the supervisor dies, even by SIGKILL, the child reads end-of-file and stops itself
/// (see ``SupervisorLifeline``). So no child outlives `outpost up`.
final class SupervisedChild: Sendable {
    /// A line of output.
    struct Line: Sendable {
        var text: String
        var isError: Bool
    }

    let name: String
    let pid: pid_t
    private let exit = NIOLockedValueBox(ExitState())

    private struct ExitState {
        var status: ChildExitStatus?
    }

    /// The file descriptor number the lifeline arrives on in the child.
    static let lifelineDescriptor: Int32 = 3

    /// Starts `executable ARGUMENTS`.
    ///
    /// - Parameters:
    ///   - environment: Variables set for the child on top of this process's environment.
    ///   - lifeline: The read end of the supervisor's lifeline pipe.
    ///   - onLine: Called on a reader thread for each complete line.
    ///   - onExit: Called once, on the waiting thread, when the child has ended.
    init(
        name: String, executable: String, arguments: [String], environment extra: [String: String], lifeline: Int32,
        onLine: @escaping @Sendable (Line) -> Void, onExit: @escaping @Sendable (ChildExitStatus) -> Void
    ) throws(UpStateError) {
        self.name = name
        var output: [Int32] = [-1, -1]
        var errors: [Int32] = [-1, -1]
        guard SupervisorLifeline.closeOnExecPipe(&output), SupervisorLifeline.closeOnExecPipe(&errors) else {
            throw UpStateError("cannot create pipes for \(name): \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        posix_spawn_file_actions_adddup2(&actions, lifeline, Self.lifelineDescriptor)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Own process group; default dispositions for the signals the supervisor traps or ignores
        // (ignored signals would otherwise survive exec); nothing blocked.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var environment = ProcessInfo.processInfo.environment
        environment.merge(extra) { $1 }
        environment[SupervisorLifeline.environmentVariable] = String(Self.lifelineDescriptor)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var childPID: pid_t = 0
        let result = posix_spawn(&childPID, executable, &actions, &attributes, argv, envp)
        close(output[1])
        close(errors[1])
        guard result == 0 else {
            close(output[0])
            close(errors[0])
            throw UpStateError("cannot start \(name) (\(executable)): \(String(cString: strerror(result)))")
        }
        self.pid = childPID
        let spawned = childPID
        Self.readLines(from: output[0], isError: false, onLine)
        Self.readLines(from: errors[0], isError: true, onLine)
        let exit = self.exit
        Thread.detachNewThread {
            // Wait without reaping, then reap under the lock ``send(_:)`` takes: the pid stays ours
            // (a zombie) until the status is recorded, so a signal can never reach a reused pid.
            var info = siginfo_t()
            while waitid(P_PID, id_t(spawned), &info, WEXITED | WNOWAIT) != 0, errno == EINTR {}
            let decoded = exit.withLockedValue { state in
                var status: Int32 = 0
                while waitpid(spawned, &status, 0) < 0 {
                    guard errno == EINTR else {
                        status = 0xFF << 8
                        break
                    }
                }
                state.status = ChildExitStatus(waitStatus: status)
                return state.status ?? .exited(255)
            }
            onExit(decoded)
        }
    }

    /// How the child ended, or nil while it runs.
    var exitStatus: ChildExitStatus? { exit.withLockedValue { $0.status } }

    /// Sends `signal` to the child unless it has ended (its pid is reaped only under the same lock).
    func send(_ signal: Int32) {
        exit.withLockedValue { state in
            if state.status == nil { kill(pid, signal) }
        }
    }

    /// Reads `descriptor` to its end on a dedicated thread, handing out complete lines.
    private static func readLines(from descriptor: Int32, isError: Bool, _ onLine: @escaping @Sendable (Line) -> Void) {
        Thread.detachNewThread {
            defer { close(descriptor) }
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 16_384)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                if count <= 0 { break }
                pending.append(contentsOf: buffer[0..<count])
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    onLine(Line(text: String(decoding: pending[..<newline], as: UTF8.self), isError: isError))
                    pending.removeSubrange(...newline)
                }
            }
            if !pending.isEmpty { onLine(Line(text: String(decoding: pending, as: UTF8.self), isError: isError)) }
        }
    }
}
