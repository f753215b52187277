import ArgumentParser
import Foundation

/// The `outpost` command: one executable, one subcommand per job. Each subcommand lives in its own
/// `Outpost+Name.swift` file.
@main
struct Outpost: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outpost",
        abstract: "Edge micro-server gateway: EMS REST facade, Lua script resource and AlwaysOn uplink.",
        discussion: """
            Outpost connects devices on a local network to an industrial IoT platform over one persistent, \
            mutually authenticated TLS WebSocket speaking the AlwaysOn protocol. Configuration files are \
            compatible with ThingWorx WS EMS 5.4 (config.json) and its Lua Script Resource (config.lua).

            Run `outpost help SUBCOMMAND` for the details of each subcommand.
            """,
        version: OutpostVersion.string,
        subcommands: [
            Validate.self,
            Secret.self,
            Cert.self,
            Doctor.self,
            Wire.self,
            Platform.self,
            EMS.self,
            OutboxCommand.self,
            LSR.self,
            Up.self,
        ]
    )

    /// Runs the chosen subcommand; operator-facing failures (`CLIError`) print as one line,
    /// `outpost: error: …`, with exit status 1, instead of argument-parser's usage dump.
    static func main() async {
        ProcessSignals.ignoreBrokenPipes()
        SupervisorLifeline.watchIfSupervised()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CLIError {
            ConsoleOutput.error("outpost: error: \(error.description)\n")
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}

enum OutpostVersion {
    static let string = "0.1.0"
}
