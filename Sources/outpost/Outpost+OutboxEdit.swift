import ArgumentParser
import OutpostOutbox

extension Outpost {
    struct OutboxRetry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retry",
            abstract: "Put dead letters back at the end of their things' queues; the EMS sends them when connected.")

        @OptionGroup var options: OutboxStoreOptions
        @OptionGroup var selection: OutboxSelection

        func run() async throws {
            let store = try options.open()
            defer { store.close() }
            do {
                let moved = try await store.retryDeadLetters(
                    ids: selection.ids.isEmpty ? nil : selection.ids, thing: selection.thing)
                print("\(moved) dead letters queued again")
            } catch {
                throw CLIError(error.message)
            }
        }
    }

    struct OutboxPurge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "purge",
            abstract: "Delete dead letters (--dead) or queued writes (--queued, needs --yes: they are lost).")

        @OptionGroup var options: OutboxStoreOptions
        @OptionGroup var selection: OutboxSelection

        @Flag(name: .long, help: "Delete dead letters.")
        var dead = false

        @Flag(name: .long, help: "Delete queued writes that have not reached the platform.")
        var queued = false

        @Flag(name: .long, help: "Confirm that purged queued writes are lost.")
        var yes = false

        func validate() throws {
            guard dead != queued else { throw ValidationError("choose one of --dead or --queued") }
            if queued && !yes {
                throw ValidationError("purging queued writes loses them: add --yes to confirm")
            }
        }

        func run() async throws {
            let store = try options.open()
            defer { store.close() }
            let ids = selection.ids.isEmpty ? nil : selection.ids
            do {
                if dead {
                    let count = try await store.purgeDeadLetters(ids: ids, thing: selection.thing)
                    print("\(count) dead letters deleted")
                } else {
                    let count = try await store.purgeQueued(ids: ids, thing: selection.thing)
                    print("\(count) queued writes deleted")
                }
            } catch {
                throw CLIError(error.message)
            }
        }
    }
}
