import Foundation
import NIOHTTP1
public import OutpostLua
import OutpostWire

extension EMSClient {
    static let localEms = "/Thingworx/Things/LocalEms/Services/"

    static func thingPath(_ name: String) -> String {
        "/Thingworx/Things/" + (name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? name)
    }

    public func addEdgeThing(_ registration: EdgeRegistration) async throws(EMSClientError) {
        try await call(.POST, Self.localEms + "AddEdgeThing", json: registration.json)
    }

    public func removeEdgeThing(_ name: String) async throws(EMSClientError) {
        try await call(.POST, Self.localEms + "RemoveEdgeThing", json: .object(["name": .string(name)]))
    }

    /// Whether the EMS still has `name` in its binding list.
    public func hasEdgeThing(_ name: String) async throws(EMSClientError) -> Bool {
        let reply = try await call(.POST, Self.localEms + "HasEdgeThing", json: .object(["name": .string(name)]))
        guard case .array(let rows)? = reply.json?["rows"], let row = rows.first else { return false }
        if case .bool(let flag)? = row["result"] { return flag }
        return false
    }

    /// The platform's subscriptions for a thing; an answer without rows (the platform sent no content)
    /// means none, as in the original.
    public func propertySubscriptions(_ name: String) async throws(EMSClientError) -> [LuaPropertySubscription] {
        let reply = try await call(.POST, Self.thingPath(name) + "/Services/GetPropertySubscriptions", json: .object([:]))
        guard case .array(let rows)? = reply.json?["rows"] else { return [] }
        return rows.compactMap { row -> LuaPropertySubscription? in
            guard let property = row["edgeName"]?.stringValue else { return nil }
            let threshold: Double = switch row["pushThreshold"] {
            case .integer(let value)?: Double(value)
            case .number(let value)?: value
            case .string(let text)?: Double(text) ?? 0
            default: 0
            }
            return LuaPropertySubscription(property: property, pushType: row["pushType"]?.stringValue ?? "VALUE", pushThreshold: threshold)
        }
    }

    /// Pushes changed values, `batchSize` per request, stopping at the first failure.
    public func push(_ values: [LuaPropertyValue], thing name: String, batchSize: Int) async throws(EMSClientError) {
        var start = 0
        while start < values.count {
            let batch = Array(values[start..<min(values.count, start + max(1, batchSize))])
            try await call(.POST, Self.thingPath(name) + "/Services/UpdateSubscribedPropertyValues", json: PropertyPush.body(batch).body)
            start += batch.count
        }
    }
}
