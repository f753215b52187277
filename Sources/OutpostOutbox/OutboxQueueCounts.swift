import Foundation
import GRDB

/// How many entries each thing has queued, kept in memory so the EMS can ask "must this write queue
/// behind stored ones?" on every write without an SQLite query (that query was ~140 000 instructions
/// per write). Exact for this process: every change is applied inside the write transaction that
/// makes it (transactions are serialized by the pool's single writer), and the counts are rebuilt
/// from the file at open, after a failed transaction, and when another process (`outpost outbox
/// retry|purge`) has committed to the file (seen through `PRAGMA data_version`, checked on each
/// replay pass).
final class OutboxQueueCounts: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: Int] = [:]
    /// A transaction failed after its changes were applied here: rebuild before trusting the counts.
    private var stale = false
    /// `PRAGMA data_version` of the writer connection when the counts were last rebuilt or checked.
    private var dataVersion: Int64?

    /// Whether `thing` has queued entries; nil when the counts must be rebuilt first.
    func hasQueued(_ thing: String) -> Bool? {
        lock.withLock { stale ? nil : counts[thing, default: 0] > 0 }
    }

    /// How many entries `thing` has queued (0 while the counts are being rebuilt).
    func count(_ thing: String) -> Int {
        lock.withLock { counts[thing, default: 0] }
    }

    /// Adds (or with negative numbers removes) entries per thing. Call inside the transaction that
    /// changes the rows.
    func apply(_ changes: [String: Int]) {
        guard !changes.isEmpty else { return }
        lock.withLock {
            for (thing, change) in changes {
                let count = counts[thing, default: 0] + change
                counts[thing] = count > 0 ? count : nil
            }
        }
    }

    func markStale() {
        lock.withLock { stale = true }
    }

    /// The counts of every thing with queued entries (for tests and listings).
    var snapshot: [String: Int] { lock.withLock { counts } }

    /// Rebuilds from the file when it is needed: after ``markStale()``, on first use, or when another
    /// connection committed since the last look. Call on the writer connection (serialized with every
    /// transaction that changes the queue).
    func refresh(_ db: Database, force: Bool = false) throws {
        let version = try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0
        let needed = lock.withLock { force || stale || dataVersion != version }
        guard needed else { return }
        var rebuilt: [String: Int] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT thing, COUNT(*) FROM outbox_entry GROUP BY thing")
        while let row = try rows.next() {
            rebuilt[row[0]] = row[1]
        }
        lock.withLock {
            counts = rebuilt
            stale = false
            dataVersion = version
        }
    }
}
