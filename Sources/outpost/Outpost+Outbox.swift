import ArgumentParser
import Foundation
import Logging
import OutpostConfig
import OutpostOutbox

extension Outpost {
    /// `outpost outbox`: look into the offline message store and act on it.
    struct OutboxCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "outbox",
            abstract: "List, retry and purge the writes waiting in the offline message store.",
            discussion: """
                The EMS keeps writes it answered with 202 in a SQLite file (offline_msg_store; by default \
                state/outbox.sqlite beside config.json) until the platform acknowledges them. Writes the \
                platform refused (e.g. an unknown thing) are kept as dead letters with the reason.

                These commands work on that file while `outpost ems` runs or not; SQLite's WAL mode lets both \
                use it at once.

                  outpost outbox list                 status and the first queued writes
                  outpost outbox list --dead          dead letters and why
                  outpost outbox retry --all          put every dead letter back in its queue
                  outpost outbox purge --dead --all   forget every dead letter
                """,
            subcommands: [OutboxList.self, OutboxRetry.self, OutboxPurge.self]
        )
    }

    /// Which store file: `--store`, else the one config.json names.
    struct OutboxStoreOptions: ParsableArguments {
        @Option(name: .long, help: ArgumentHelp("The EMS configuration naming the store.", valueName: "FILE"))
        var config = "config.json"

        @Option(name: .long, help: ArgumentHelp("The EMS state directory (default: state/ beside the config file).", valueName: "DIR"))
        var stateDir: String?

        @Option(name: .long, help: ArgumentHelp("The store file itself; overrides --config.", valueName: "FILE"))
        var store: String?

        func open() throws -> OutboxStore {
            let path: String
            if let store {
                path = store
            } else {
                let bytes: [UInt8]
                do {
                    bytes = try ConfigFileReader.read(config)
                } catch {
                    throw CLIError(error.description)
                }
                guard let loaded = EMSConfig.load(bytes).config else {
                    throw CLIError("\(config) cannot be loaded; check it with `outpost validate --config \(config)`, or name the file with --store")
                }
                let directory = stateDir ?? (URL(fileURLWithPath: config).deletingLastPathComponent().path + "/state")
                path = OutboxSettings(config: loaded.offlineMsgStore, stateDirectory: directory).path
            }
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIError("there is no offline message store at \(path) (it is created when `outpost ems` first starts)")
            }
            var logger = Logger(label: "outpost.outbox")
            logger.logLevel = .warning
            do {
                return try OutboxStore.open(settings: OutboxSettings(path: path), logger: logger)
            } catch {
                throw CLIError(error.message)
            }
        }
    }

    /// What to act on: ids, one thing, or everything.
    struct OutboxSelection: ParsableArguments {
        @Option(name: .customLong("id"), help: ArgumentHelp("An entry id from `outbox list` (repeatable).", valueName: "ID"))
        var ids: [Int64] = []

        @Option(name: .long, help: ArgumentHelp("Every entry of this thing.", valueName: "NAME"))
        var thing: String?

        @Flag(name: .long, help: "Every entry.")
        var all = false

        func validate() throws {
            let chosen = (ids.isEmpty ? 0 : 1) + (thing == nil ? 0 : 1) + (all ? 1 : 0)
            guard chosen == 1 else { throw ValidationError("choose exactly one of --id, --thing or --all") }
        }
    }
}
