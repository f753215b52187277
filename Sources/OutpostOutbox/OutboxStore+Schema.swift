import GRDB

extension OutboxStore {
    /// The schema, one migration per change; GRDB records which ran in `grdb_migrations`.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // AUTOINCREMENT: ids are never reused, so a retried dead letter goes to the end of its queue.
            try db.execute(
                sql: """
                    CREATE TABLE outbox_entry (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        thing TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        target TEXT NOT NULL,
                        created_ms INTEGER NOT NULL,
                        size INTEGER NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        last_error TEXT,
                        payload BLOB NOT NULL);
                    CREATE INDEX outbox_entry_thing ON outbox_entry(thing, id);
                    CREATE TABLE outbox_dead_letter (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        entry_id INTEGER NOT NULL,
                        thing TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        target TEXT NOT NULL,
                        created_ms INTEGER NOT NULL,
                        failed_ms INTEGER NOT NULL,
                        size INTEGER NOT NULL,
                        attempts INTEGER NOT NULL,
                        reason TEXT NOT NULL,
                        payload BLOB NOT NULL);
                    CREATE TABLE outbox_stats (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        bytes INTEGER NOT NULL,
                        depth INTEGER NOT NULL,
                        dropped INTEGER NOT NULL,
                        expired INTEGER NOT NULL,
                        delivered INTEGER NOT NULL);
                    INSERT INTO outbox_stats VALUES (1, 0, 0, 0, 0, 0);
                    """)
        }
        return migrator
    }
}
