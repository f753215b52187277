import Foundation
import GRDB
public import Logging
import NIOConcurrencyHelpers
public import OutpostWire

/// The platform's things: connection state from BIND/UNBIND, property values pushed by edges (with
/// history), and events. Read from memory behind a lock; with a path, every change is also appended
/// to an SQLite file (``ThingStore+Database``) by a group-committing writer (``ThingStore+Commit``),
/// so the admin API answers from memory while history grows without rewriting anything.
public final class ThingStore: Sendable {
    /// One value of a property, as pushed or written.
    public struct PropertyRecord: Sendable, Equatable {
        public var value: Primitive
        /// Milliseconds since 1970 (the DATETIME of the push).
        public var time: Int64
        public var quality: String

        public init(value: Primitive, time: Int64, quality: String = "GOOD") {
            self.value = value
            self.time = time
            self.quality = quality
        }
    }

    public struct EventRecord: Sendable, Equatable {
        public var name: String
        public var time: Int64
        public var data: InfoTable?
    }

    public struct ThingRecord: Sendable, Equatable {
        public var name: String
        public var isConnected = false
        public var lastConnection: Int64?
        /// Why the thing last went offline: `UNBIND` or `connection closed`.
        public var lastDisconnectReason: String?
        public var properties: [String: PropertyRecord] = [:]
        public var history: [String: [PropertyRecord]] = [:]
        public var events: [EventRecord] = []

        public init(name: String) { self.name = name }
    }

    struct Storage {
        var things: [String: ThingRecord] = [:]
        /// Changes not yet handed to the writer.
        var pending = PendingChanges()
        /// The writer is draining `pending` (one at a time, so transactions keep arrival order).
        var writing = false
        var closed = false
    }

    let storage = NIOLockedValueBox(Storage())
    /// nil: in memory only.
    let database: DatabaseQueue?
    /// Runs the writer: one transaction at a time, off the event loops.
    let writer = DispatchQueue(label: "outpost.platform.store")
    /// Checkpoints the file's log beside the writer; nil in memory, or when SQLite checkpoints in the
    /// writer's commits as by default (the second connection could not be opened).
    let checkpointer: WALCheckpointer?
    let logger: Logger
    /// The writer's own state (interned property keys, next sequence number, trim counters); only
    /// the writer queue and start-up touch it, so its lock is never contended.
    let writerState: NIOLockedValueBox<WriterState>
    public let path: String?
    public let historyLimit: Int
    /// Where an old JSON store found at `path` was moved after its contents were imported (once).
    public let importedJSON: String?

    /// A store; with `path`, opens (or creates) the SQLite file and loads it, importing an old JSON
    /// store found there. Blocking: call at start-up.
    public init(path: String?, historyLimit: Int = 1_000, logger: Logger = Logger(label: "outpost.platform.store")) throws(PlatformError) {
        let limit = max(1, historyLimit)
        self.path = path
        self.historyLimit = limit
        self.logger = logger
        if let path {
            let opened = try Self.openDatabase(path: path, historyLimit: limit)
            database = opened.queue
            checkpointer = Self.checkpointer(path: path, database: opened.queue, logger: logger)
            importedJSON = opened.importedJSON
            writerState = NIOLockedValueBox(opened.writerState)
            storage.withLockedValue { $0.things = opened.things }
        } else {
            database = nil
            checkpointer = nil
            importedJSON = nil
            writerState = NIOLockedValueBox(WriterState())
        }
    }

    static func nowMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    public func setConnected(_ names: [String], _ connected: Bool, reason: String? = nil) {
        let now = Self.nowMillis()
        let persist = database != nil
        let start = storage.withLockedValue { storage -> Bool in
            for name in names {
                var thing = storage.things[name] ?? ThingRecord(name: name)
                thing.isConnected = connected
                if connected {
                    thing.lastConnection = now
                    thing.lastDisconnectReason = nil
                } else {
                    thing.lastDisconnectReason = reason
                }
                storage.things[name] = thing
                if persist { storage.pending.things[name] = .init(lastConnection: thing.lastConnection, reason: thing.lastDisconnectReason) }
            }
            return persist && storage.startWriting()
        }
        if start { scheduleWriter() }
    }

    public func recordProperty(thing name: String, property: String, _ record: PropertyRecord) {
        recordProperties(thing: name, [(property, record)])
    }

    /// Several values of one thing (a property push) under one lock, the thing looked up once.
    public func recordProperties(thing name: String, _ values: [(property: String, record: PropertyRecord)]) {
        guard !values.isEmpty else { return }
        let limit = historyLimit
        let persist = database != nil
        let start = storage.withLockedValue { storage -> Bool in
            Self.append(values, limit: limit, to: &storage.things[name, default: ThingRecord(name: name)])
            guard persist else { return false }
            storage.pending.history.reserveCapacity(storage.pending.history.count + values.count)
            for value in values { storage.pending.history.append(.init(thing: name, property: value.property, record: value.record)) }
            return storage.startWriting()
        }
        if start { scheduleWriter() }
    }

    /// In place: copying a history out and back would copy it whole for every value. A full history
    /// is trimmed back to `limit` only once it is ``trimSlack(limit:)`` over it: removing the oldest
    /// value on every push moved the whole array each time (about 60,000 instructions per value at
    /// the default 1,000). Readers get the newest `limit` (``thing(_:)``, ``things``).
    private static func append(_ values: [(property: String, record: PropertyRecord)], limit: Int, to thing: inout ThingRecord) {
        let slack = trimSlack(limit: limit)
        for (property, record) in values {
            thing.properties[property] = record
            thing.history[property, default: []].append(record)
            let count = thing.history[property]?.count ?? 0
            if count > limit + slack { thing.history[property]?.removeFirst(count - limit) }
        }
    }

    /// How far a property's in-memory history may run over the limit before it is trimmed.
    static func trimSlack(limit: Int) -> Int { max(16, limit / 4) }

    /// `record` with each history cut to the newest `historyLimit` values.
    private func limited(_ record: ThingRecord) -> ThingRecord {
        var record = record
        for (property, values) in record.history where values.count > historyLimit {
            record.history[property] = Array(values.suffix(historyLimit))
        }
        return record
    }

    /// Events are kept in memory only (as the JSON store did): the admin API shows the recent ones.
    public func recordEvent(thing name: String, event: String, data: InfoTable?) {
        let now = Self.nowMillis()
        let limit = historyLimit
        storage.withLockedValue { storage in
            // In place, so appending does not copy the thing's events.
            storage.things[name, default: ThingRecord(name: name)].events.append(EventRecord(name: event, time: now, data: data))
            let count = storage.things[name]?.events.count ?? 0
            if count > limit { storage.things[name]?.events.removeFirst(count - limit) }
        }
    }

    public func thing(_ name: String) -> ThingRecord? {
        storage.withLockedValue { $0.things[name] }.map(limited)
    }

    public func property(thing: String, _ property: String) -> PropertyRecord? {
        storage.withLockedValue { $0.things[thing]?.properties[property] }
    }

    /// Every thing, sorted by name.
    public var things: [ThingRecord] {
        storage.withLockedValue { $0.things.values.sorted { $0.name < $1.name } }.map(limited)
    }
}
