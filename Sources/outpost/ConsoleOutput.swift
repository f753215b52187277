import Foundation

/// Text for standard output and standard error that never ends the process.
///
/// A service's log reader can go away (a closed pipe, `journalctl` killed, a full disk). With SIGPIPE
/// ignored (``ProcessSignals``) such a write fails with `EPIPE`; `FileHandle.write(_:)` would trap on
/// that failure, so long-running commands write through here and lose the line, not the service.
enum ConsoleOutput {
    static func out(_ text: String) { write(STDOUT_FILENO, text) }
    static func error(_ text: String) { write(STDERR_FILENO, Array(text.utf8)) }
    /// Raw bytes to standard output (binary output of the wire tools).
    static func out(bytes: [UInt8]) { write(STDOUT_FILENO, bytes) }

    private static func write(_ descriptor: Int32, _ text: String) { write(descriptor, Array(text.utf8)) }

    /// Writes all of `bytes` or gives up at the first error other than `EINTR`.
    private static func write(_ descriptor: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}

/// Signal dispositions every `outpost` process sets before anything else runs.
enum ProcessSignals {
    /// Ignores SIGPIPE, whose default action ends the process: a closed stdout/stderr pipe or a peer
    /// that vanished must surface as an `EPIPE` write error, handled where the write happens. (NIO's
    /// sockets already avoid the signal; pipes and stdio do not.)
    static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }
}
