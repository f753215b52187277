import Foundation
import OutpostWire

/// The store format before SQLite: one JSON document, rewritten whole. Read once to import it (see
/// ``ThingStore/openDatabase(path:historyLimit:)``); the JSON shape of a value is also the admin API's.
extension ThingStore {
    static func loadJSON(from path: String) throws(PlatformError) -> [String: ThingRecord] {
        let document: JSONValue
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            document = try JSONValue(parsing: [UInt8](data))
        } catch {
            throw PlatformError(
                .storage,
                "cannot read the thing store \(path): it is neither an SQLite store nor an old JSON one (\(error)); "
                    + "move it away to start empty")
        }
        guard case .object(let things)? = document["things"] else {
            throw PlatformError(.storage, "the old JSON thing store \(path) has no \"things\" object; move it away to start empty")
        }
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
        return loaded
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
