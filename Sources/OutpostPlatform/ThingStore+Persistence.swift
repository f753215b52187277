import Foundation
import NIOConcurrencyHelpers
import OutpostWire

extension ThingStore {
    /// Writes the store if it changed since the last write: to a temporary file, then renamed over
    /// the old one, so a crash never leaves half a file. Blocking: run on a thread pool.
    public func persistIfDirty() throws(PlatformError) {
        guard let path else { return }
        let snapshot = storage.withLockedValue { storage -> [ThingRecord]? in
            guard storage.dirty else { return nil }
            storage.dirty = false
            return storage.things.values.sorted { $0.name < $1.name }
        }
        guard let snapshot else { return }
        var things = JSONObject()
        for thing in snapshot { things.append(thing.name, Self.json(thing)) }
        let text = JSONValue.object(["version": 1, "things": .object(things)]).serialized(pretty: true)
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            storage.withLockedValue { $0.dirty = true }
            throw PlatformError(.storage, "cannot write the thing store \(path): \(error.localizedDescription)")
        }
    }

    func load(from path: String) throws(PlatformError) {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let document: JSONValue
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            document = try JSONValue(parsing: [UInt8](data))
        } catch {
            throw PlatformError(.storage, "cannot read the thing store \(path): \(error); move it away to start empty")
        }
        guard case .object(let things)? = document["things"] else { return }
        var loaded: [String: ThingRecord] = [:]
        for member in things {
            var thing = ThingRecord(name: member.key)
            thing.lastConnection = member.value["lastConnection"]?.doubleValue.map { Int64($0) }
            thing.lastDisconnectReason = member.value["lastDisconnectReason"]?.stringValue
            if case .object(let properties)? = member.value["history"] {
                for property in properties {
                    guard case .array(let entries) = property.value else { continue }
                    let records = entries.compactMap(Self.record)
                    thing.history[property.key] = records
                    if let last = records.last { thing.properties[property.key] = last }
                }
            }
            loaded[member.key] = thing
        }
        // Nobody is connected to a platform that just started.
        storage.withLockedValue { $0.things = loaded }
    }

    static func json(_ thing: ThingRecord) -> JSONValue {
        var history = JSONObject()
        for (name, records) in thing.history.sorted(by: { $0.key < $1.key }) {
            history.append(name, .array(records.map(json)))
        }
        var object = JSONObject()
        object.append("lastConnection", thing.lastConnection.map { .integer($0) } ?? .null)
        object.append("lastDisconnectReason", thing.lastDisconnectReason.map { .string($0) } ?? .null)
        object.append("history", .object(history))
        return .object(object)
    }

    static func json(_ record: PropertyRecord) -> JSONValue {
        .object([
            "baseType": .string(record.value.adminBaseType), "value": record.value.adminJSON,
            "time": .integer(record.time), "quality": .string(record.quality),
        ])
    }

    static func record(_ json: JSONValue) -> PropertyRecord? {
        guard let value = json["value"], let time = json["time"]?.doubleValue else { return nil }
        return PropertyRecord(
            value: Primitive(adminJSON: value, baseType: json["baseType"]?.stringValue), time: Int64(time),
            quality: json["quality"]?.stringValue ?? "GOOD")
    }
}
