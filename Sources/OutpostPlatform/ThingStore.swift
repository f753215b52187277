import Foundation
import NIOConcurrencyHelpers
public import OutpostWire

/// The platform's things: connection state from BIND/UNBIND, property values pushed by edges (with
/// history), and events. In memory behind a lock; ``ThingStore+Persistence`` writes it to a JSON file.
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
        var dirty = false
    }

    let storage = NIOLockedValueBox(Storage())
    public let path: String?
    public let historyLimit: Int

    /// A store; with `path`, loads the file if it exists (blocking: call at start-up).
    public init(path: String?, historyLimit: Int = 1_000) throws(PlatformError) {
        self.path = path
        self.historyLimit = max(1, historyLimit)
        if let path { try load(from: path) }
    }

    static func nowMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    private func mutate<T>(_ body: (inout [String: ThingRecord]) -> T) -> T {
        storage.withLockedValue { storage in
            storage.dirty = true
            return body(&storage.things)
        }
    }

    public func setConnected(_ names: [String], _ connected: Bool, reason: String? = nil) {
        let now = Self.nowMillis()
        mutate { things in
            for name in names {
                var thing = things[name] ?? ThingRecord(name: name)
                thing.isConnected = connected
                if connected {
                    thing.lastConnection = now
                    thing.lastDisconnectReason = nil
                } else {
                    thing.lastDisconnectReason = reason
                }
                things[name] = thing
            }
        }
    }

    public func recordProperty(thing name: String, property: String, _ record: PropertyRecord) {
        let limit = historyLimit
        mutate { things in
            // Mutated in place: copying the record or its history out and back would copy the whole
            // history for every value, which makes a replay of many queued values quadratic.
            things[name, default: ThingRecord(name: name)].properties[property] = record
            things[name, default: ThingRecord(name: name)].history[property, default: []].append(record)
            let count = things[name]?.history[property]?.count ?? 0
            if count > limit { things[name]?.history[property]?.removeFirst(count - limit) }
        }
    }

    public func recordEvent(thing name: String, event: String, data: InfoTable?) {
        let now = Self.nowMillis()
        let limit = historyLimit
        mutate { things in
            var thing = things[name] ?? ThingRecord(name: name)
            thing.events.append(EventRecord(name: event, time: now, data: data))
            if thing.events.count > limit { thing.events.removeFirst(thing.events.count - limit) }
            things[name] = thing
        }
    }

    public func thing(_ name: String) -> ThingRecord? {
        storage.withLockedValue { $0.things[name] }
    }

    public func property(thing: String, _ property: String) -> PropertyRecord? {
        storage.withLockedValue { $0.things[thing]?.properties[property] }
    }

    /// Every thing, sorted by name.
    public var things: [ThingRecord] {
        storage.withLockedValue { $0.things.values.sorted { $0.name < $1.name } }
    }
}
