import Foundation
import GRDB
import Logging

/// The outbox's SQLite file (GRDB `DatabasePool`, WAL): queued entries in per-thing order, dead
/// letters, and running totals. Every change is one transaction, so totals and rows never disagree;
/// other processes (`outpost outbox`) may use the same file at the same time.
public final class OutboxStore: Sendable {
    public let settings: OutboxSettings
    let pool: DatabasePool
    let logger: Logger
    /// Per-thing queued counts in memory (``hasQueued(thing:)`` without a query).
    let queueCounts = OutboxQueueCounts()

    /// A write about to be stored.
    struct NewEntry: Sendable {
        var thing: String
        var kind: String
        var target: String
        var createdMillis: Int64
        var payload: [UInt8]
    }

    init(settings: OutboxSettings, pool: DatabasePool, logger: Logger) {
        self.settings = settings
        self.pool = pool
        self.logger = logger
    }

    /// Wall-clock milliseconds since 1970: the time stamps of stored and grouped writes.
    public static func nowMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    /// Runs a write transaction, mapping SQLite errors to ``OutboxError``.
    /// A failed transaction may have been counted in ``queueCounts`` before it rolled back: they are
    /// rebuilt before the next use.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(OutboxError) -> T {
        do {
            return try await pool.write(body)
        } catch let error as OutboxError {
            queueCounts.markStale()
            throw error
        } catch {
            queueCounts.markStale()
            throw map(error)
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(OutboxError) -> T {
        do {
            return try await pool.read(body)
        } catch let error as OutboxError {
            throw error
        } catch {
            throw map(error)
        }
    }

    func map(_ error: any Error) -> OutboxError {
        Self.map(error, path: settings.path)
    }

    static func map(_ error: any Error, path: String) -> OutboxError {
        if let error = error as? OutboxError { return error }
        if let database = error as? DatabaseError {
            switch database.resultCode {
            case .SQLITE_CORRUPT, .SQLITE_NOTADB:
                return .corrupt(path: path, detail: database.message ?? "\(database.resultCode)")
            default:
                return .unavailable(path: path, detail: database.message ?? "\(database.resultCode)")
            }
        }
        return .unavailable(path: path, detail: "\(error)")
    }

    /// Adds totals in the one-row stats table (inside the caller's transaction).
    static func adjust(_ db: Database, bytes: Int64 = 0, depth: Int = 0, dropped: Int = 0, expired: Int = 0, delivered: Int = 0) throws {
        try db.execute(
            sql: """
                UPDATE outbox_stats SET bytes = bytes + ?, depth = depth + ?, dropped = dropped + ?,
                    expired = expired + ?, delivered = delivered + ? WHERE id = 1
                """,
            arguments: [bytes, depth, dropped, expired, delivered])
    }

    static func entry(_ row: Row) -> OutboxEntry {
        OutboxEntry(
            id: row["id"], thing: row["thing"], kind: row["kind"], target: row["target"],
            createdMillis: row["created_ms"], size: row["size"], attempts: row["attempts"],
            lastError: row["last_error"], payload: [UInt8](row["payload"] as Data))
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ",")
    }

    /// What a delete removed: rows, payload bytes, and rows per thing (for ``queueCounts``).
    struct Removed {
        var count = 0
        var bytes: Int64 = 0
        var perThing: [String: Int] = [:]

        mutating func add(thing: String, size: Int64) {
            count += 1
            bytes += size
            perThing[thing, default: 0] -= 1
        }
    }

    /// Deletes queued entries by id and takes them off ``queueCounts``; returns how many existed and
    /// their bytes (ids already gone are skipped). Inside the caller's transaction.
    func removeEntries(_ db: Database, ids: [Int64]) throws -> Removed {
        var removed = Removed()
        guard !ids.isEmpty else { return removed }
        let rows = try Row.fetchCursor(
            db, sql: "DELETE FROM outbox_entry WHERE id IN (\(Self.placeholders(ids.count))) RETURNING thing, size",
            arguments: StatementArguments(ids))
        while let row = try rows.next() { removed.add(thing: row[0], size: row[1]) }
        queueCounts.apply(removed.perThing)
        return removed
    }
}
