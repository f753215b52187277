import Foundation
import GRDB
public import Logging

extension OutboxStore {
    /// Opens (or creates) the store file and checks it. Blocking: call at start-up.
    ///
    /// A file that is not a database or fails SQLite's `quick_check` is never changed or replaced
    /// silently: it is ``OutboxError/Code/corrupt`` unless `moveAside` is set, in which case the file
    /// (and its `-wal`/`-shm`) is renamed to `<file>.corrupt-<time>`, logged, and a new store begins.
    public static func open(settings: OutboxSettings, moveAside: Bool = false, logger: Logger) throws(OutboxError) -> OutboxStore {
        do {
            return try openChecked(settings: settings, logger: logger)
        } catch where error.code == .corrupt && moveAside {
            let suffix = ".corrupt-\(nowMillis())"
            for extra in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: settings.path + extra) {
                do {
                    try FileManager.default.moveItem(atPath: settings.path + extra, toPath: settings.path + suffix + extra)
                } catch {
                    throw .unavailable(path: settings.path, detail: "it is unreadable and could not be moved aside: \(error)")
                }
            }
            logger.error(
                "the outbox store was unreadable and has been moved aside; starting with an empty store",
                metadata: ["outpost.outbox.moved": "\(settings.path + suffix)", "outpost.error": "\(error.message)"])
            return try openChecked(settings: settings, logger: logger)
        }
    }

    private static func openChecked(settings: OutboxSettings, logger: Logger) throws(OutboxError) -> OutboxStore {
        let path = settings.path
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .unavailable(path: path, detail: "its directory cannot be created: \(error.localizedDescription)")
        }
        var configuration = Configuration()
        configuration.label = "outpost.outbox"
        // Other processes (the CLI, a second EMS by mistake) wait for the writer instead of failing.
        configuration.busyMode = .timeout(10)
        let synchronous = settings.durability == .powerLoss ? "FULL" : "NORMAL"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        }
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            try migrator.migrate(pool)
            let check = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
            guard check == ["ok"] else {
                throw OutboxError.corrupt(path: path, detail: "quick_check: " + check.prefix(3).joined(separator: "; "))
            }
            let store = OutboxStore(settings: settings, pool: pool, logger: logger)
            try pool.writeWithoutTransaction { db in try store.queueCounts.refresh(db, force: true) }
            return store
        } catch {
            throw map(error, path: path)
        }
    }

    /// Closes the file (the EMS at shutdown, the CLI when done).
    public func close() {
        try? pool.close()
    }
}
