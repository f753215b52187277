import Foundation

/// The pipe that ties each `outpost up` child to its supervisor's life.
///
/// The supervisor keeps the only write end (close-on-exec, so no child inherits it); each child gets
/// the read end as descriptor 3 and its number in `OUTPOST_SUPERVISOR_LIFELINE`. Nothing is ever
/// written: when the supervisor ends for any reason, SIGKILL included, the kernel closes the write end
/// and the child's read returns end-of-file. The child then points its stdout and stderr at /dev/null
/// (nobody reads the pipes any more), stops the way it does on SIGTERM (graceful shutdown), and exits
/// outright if that has not finished within a grace period. Unlike Linux's
/// `PR_SET_PDEATHSIG` this has no start-up race (a supervisor already gone means an immediate
/// end-of-file) and works on every POSIX system.
enum SupervisorLifeline {
    static let environmentVariable = "OUTPOST_SUPERVISOR_LIFELINE"

    /// How long a child waits for its own graceful shutdown after the supervisor is gone.
    static let gracePeriod: Double = 10

    /// The supervisor's side: a pipe, both ends close-on-exec. Keep `writeEnd` open for the whole run.
    static func make() throws(UpStateError) -> (readEnd: Int32, writeEnd: Int32) {
        var ends: [Int32] = [-1, -1]
        guard closeOnExecPipe(&ends) else {
            throw UpStateError("cannot create the supervisor pipe: \(String(cString: strerror(errno)))")
        }
        return (ends[0], ends[1])
    }

    /// `pipe` with both ends close-on-exec (set right away; the supervisor starts children from one task).
    static func closeOnExecPipe(_ ends: inout [Int32]) -> Bool {
        guard pipe(&ends) == 0 else { return false }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return true
    }

    /// The child's side, called first thing in `main`: when started by `outpost up`, watch the lifeline
    /// on a background thread. Does nothing otherwise.
    static func watchIfSupervised(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let text = environment[environmentVariable], let descriptor = Int32(text), descriptor > 2 else { return }
        // Children of this process (none today) must not hold the lifeline open.
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        unsetenv(environmentVariable)
        Thread.detachNewThread {
            var byte: UInt8 = 0
            while true {
                let count = read(descriptor, &byte, 1)
                if count < 0, errno == EINTR { continue }
                if count > 0 { continue }
                break
            }
            // stdout and stderr were pipes to the supervisor, which no longer reads them: a write
            // there would fail with EPIPE and bring the process down mid-shutdown. Send them to /dev/null.
            let null = open("/dev/null", O_WRONLY)
            if null >= 0 {
                dup2(null, 1)
                dup2(null, 2)
                close(null)
            }
            kill(getpid(), SIGTERM)
            Thread.sleep(forTimeInterval: gracePeriod)
            _exit(1)
        }
    }
}
