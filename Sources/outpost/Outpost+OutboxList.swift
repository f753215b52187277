import ArgumentParser
import Foundation
import OutpostOutbox

extension Outpost {
    struct OutboxList: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "Print the store's status and its queued writes (or dead letters).")

        @OptionGroup var options: OutboxStoreOptions

        @Flag(name: .long, help: "List dead letters instead of queued writes.")
        var dead = false

        @Option(name: .long, help: ArgumentHelp("Only this thing.", valueName: "NAME"))
        var thing: String?

        @Option(name: .long, help: "Most entries to print.")
        var limit = 50

        func run() async throws {
            let store = try options.open()
            defer { store.close() }
            do {
                let status = try await store.status()
                print(Self.summary(status))
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                if dead {
                    let letters = try await store.deadLetters(thing: thing, limit: limit)
                    if !letters.isEmpty { print("id\tthing\tkind\ttarget\tage_s\tbytes\tattempts\treason") }
                    for letter in letters {
                        let entry = letter.entry
                        print("\(letter.id)\t\(entry.thing)\t\(entry.kind)\t\(entry.target)\t\(Self.seconds(now - entry.createdMillis))\t\(entry.size)\t\(entry.attempts)\t\(letter.reason)")
                    }
                } else {
                    let entries = try await store.entries(thing: thing, limit: limit)
                    if !entries.isEmpty { print("id\tthing\tkind\ttarget\tage_s\tbytes\tattempts\tlast_error") }
                    for entry in entries {
                        print("\(entry.id)\t\(entry.thing)\t\(entry.kind)\t\(entry.target)\t\(Self.seconds(now - entry.createdMillis))\t\(entry.size)\t\(entry.attempts)\t\(entry.lastError ?? "-")")
                    }
                }
            } catch {
                throw CLIError(error.message)
            }
        }

        static func seconds(_ millis: Int64) -> String {
            String(format: "%.1f", Double(max(0, millis)) / 1000)
        }

        static func summary(_ status: OutboxStatus) -> String {
            """
            store \(status.path)
            queued \(status.depth) writes, \(status.bytes) of \(status.maxBytes) bytes, \(status.things) things, \
            oldest \(status.oldestAgeMillis.map { seconds($0) + " s" } ?? "-")
            delivered \(status.delivered), dropped \(status.dropped), expired \(status.expired), \
            dead letters \(status.deadLetters) (\(status.deadLetterBytes) bytes)
            """
        }
    }
}
