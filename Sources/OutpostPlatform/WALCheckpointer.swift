import Foundation
import GRDB
import Logging
import NIOConcurrencyHelpers

/// Copies the store's write-ahead log into the database file on a connection and thread of its own.
///
/// SQLite checkpoints by default inside the commit that pushes the log past 1,000 pages, on the
/// committing connection. For the platform that is the writer, and a checkpoint syncs the log and the
/// file to disk: a few milliseconds (3–4 ms measured here) during which no batch commits and no
/// edge write is acknowledged, every few hundred commits. The writer's connection therefore has
/// automatic checkpoints off, and this one runs `PRAGMA wal_checkpoint(PASSIVE)` beside it every
/// ``interval`` commits: a passive checkpoint copies what no reader needs without taking the write
/// lock, so commits go on meanwhile, and the log restarts from its beginning once it has all been
/// copied. Durability is unchanged: with `synchronous = NORMAL` a commit is in the log when the
/// platform answers, checkpoint or not.
final class WALCheckpointer: Sendable {
    /// Commits between checkpoints: a few hundred commits fill about SQLite's default 1,000 pages.
    static let interval = 256

    private struct State {
        var commitsSinceCheckpoint = 0
        var running = false
        var closed = false
        var completed = 0
    }

    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "outpost.platform.store.checkpoint")
    private let state = NIOLockedValueBox(State())
    private let logger: Logger

    init(path: String, logger: Logger) throws {
        var configuration = Configuration()
        configuration.label = "outpost.platform.store.checkpoint"
        configuration.busyMode = .timeout(5)
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.logger = logger
    }

    /// Checkpoints done (tests).
    var completed: Int { state.withLockedValue { $0.completed } }

    /// Returns once a checkpoint started before the call has finished (tests).
    func waitIdle() {
        queue.sync {}
    }

    /// Counts a commit of the writer; every ``interval`` commits starts a checkpoint unless one runs.
    func committed() {
        let start = state.withLockedValue { state -> Bool in
            state.commitsSinceCheckpoint += 1
            guard state.commitsSinceCheckpoint >= Self.interval, !state.running, !state.closed else { return false }
            state.commitsSinceCheckpoint = 0
            state.running = true
            return true
        }
        if start { queue.async { self.checkpoint() } }
    }

    private func checkpoint() {
        do {
            try connection.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
        } catch {
            // The next interval tries again; SQLite also checkpoints when the last connection closes.
            logger.warning("cannot checkpoint the thing store's log", metadata: ["outpost.error": "\(error)"])
        }
        state.withLockedValue { state in
            state.running = false
            state.completed += 1
        }
    }

    /// Waits for a running checkpoint and closes the connection, before the writer's own close
    /// (which, as the last connection, checkpoints everything and removes the log).
    func close() {
        state.withLockedValue { $0.closed = true }
        queue.sync {}
        try? connection.close()
    }
}
