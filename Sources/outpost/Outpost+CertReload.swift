import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Outpost.Cert {
    /// `outpost cert reload`: ask a running EMS to re-read its certificates now.
    struct Reload: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reload",
            abstract: "Make a running outpost re-read its certificates now (sends SIGHUP).",
            discussion: """
                The EMS also notices changed certificate, key, chain and CA files by itself within \
                seconds; this forces a re-read, e.g. after changing only a passphrase file. New \
                handshakes use the new material; established connections are kept. Material that \
                cannot be used (wrong passphrase, key mismatch, expired, unparsable) is refused with the \
                reason in the EMS log, and the previous certificate stays in use.
                """
        )

        @Option(name: .long, help: ArgumentHelp("Process id of the running outpost.", valueName: "PID"))
        var pid: Int32

        func run() async throws {
            guard pid > 1 else { throw CLIError("--pid must be the id of the running outpost process") }
            guard kill(pid, SIGHUP) == 0 else {
                throw CLIError("cannot signal process \(pid): \(String(cString: strerror(errno)))")
            }
            print("sent SIGHUP to \(pid); the outcome is in its log")
        }
    }
}
