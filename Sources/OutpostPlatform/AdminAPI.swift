import Foundation
import NIOCore
import NIOHTTP1
import OutpostSecrets
import OutpostWire

/// The admin API's routes, independent of the socket: takes method, path and body, returns status
/// and a JSON value. Every request needs `Authorization: Bearer <admin.token>`.
struct AdminAPI: Sendable {
    let settings: PlatformSettings
    let store: ThingStore
    let registry: SessionRegistry

    struct Reply: Sendable {
        var status: HTTPResponseStatus
        var body: JSONValue
    }

    func authorized(_ header: String?) -> Bool {
        guard let header, header.hasPrefix("Bearer ") else { return false }
        return settings.adminToken.constantTimeEquals(Array(header.dropFirst(7).utf8))
    }

    func handle(method: HTTPMethod, path: String, body: [UInt8]) async -> Reply {
        let parts = path.split(separator: "?", maxSplits: 1).first.map { $0.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) } } ?? []
        switch (method, parts.count) {
        case (.GET, 2) where parts == ["admin", "things"]:
            return Reply(status: .ok, body: .object(["things": .array(store.things.map(thingJSON))]))
        case (.GET, 2) where parts == ["admin", "connections"]:
            return Reply(status: .ok, body: .object(["connections": .array(registry.sessions.map(sessionJSON))]))
        case (.GET, 3) where parts[0] == "admin" && parts[1] == "things":
            guard let thing = store.thing(parts[2]) else { return notFound("no thing named \(parts[2])") }
            return Reply(status: .ok, body: thingJSON(thing))
        case (.GET, 6) where parts[0] == "admin" && parts[1] == "things" && parts[3] == "properties" && parts[5] == "history":
            let history = store.thing(parts[2])?.history[parts[4]] ?? []
            return Reply(status: .ok, body: .object(["history": .array(history.map(ThingStore.json))]))
        case (.GET, 5) where parts[0] == "admin" && parts[1] == "things" && parts[3] == "properties":
            return await forward(parts[2], RequestBody(method: .get, entityName: parts[2], characteristic: .properties, target: parts[4]))
        case (.PUT, 5) where parts[0] == "admin" && parts[1] == "things" && parts[3] == "properties":
            guard let json = try? JSONValue(parsing: body) else { return badRequest("the body must be JSON: {\"value\": …}") }
            let valueJSON = json["value"] ?? json
            let value = Primitive(adminJSON: valueJSON, baseType: json["baseType"]?.stringValue)
            return await forward(
                parts[2],
                RequestBody(
                    method: .put, entityName: parts[2], characteristic: .properties, target: parts[4],
                    parameters: InfoTable.single(parts[4], value)))
        case (.POST, 5) where parts[0] == "admin" && parts[1] == "things" && parts[3] == "services":
            var parameters: InfoTable?
            if !body.isEmpty {
                guard let json = try? JSONValue(parsing: body), let object = json.objectValue else {
                    return badRequest("the body must be a JSON object of parameters")
                }
                parameters = InfoTable(adminParameters: object)
            }
            return await forward(
                parts[2],
                RequestBody(method: .post, entityName: parts[2], characteristic: .services, target: parts[4], parameters: parameters))
        default:
            return notFound("no admin route \(method) \(path)")
        }
    }

    /// Sends a request to the edge that bound `thing` and renders its answer.
    private func forward(_ thing: String, _ request: RequestBody) async -> Reply {
        guard let session = registry.session(for: thing) else {
            return Reply(status: .conflict, body: .object(["error": .string("thing \(thing) is not bound by any connected edge")]))
        }
        do {
            let response = try await session.request(request)
            var object = JSONObject()
            object.append("status", .string(response.status.name))
            if let reason = response.reason { object.append("reason", .string(reason)) }
            if let content = response.content {
                if request.characteristic == .properties, let value = content.value(request.target) ?? content.value(row: 0, column: 0) {
                    object.append("value", value.adminJSON)
                    object.append("baseType", .string(value.adminBaseType))
                }
                object.append("content", content.adminJSON)
            }
            return Reply(status: response.status.isSuccess ? .ok : .badGateway, body: .object(object))
        } catch {
            let status: HTTPResponseStatus = error.code == .timeout ? .gatewayTimeout : .conflict
            return Reply(status: status, body: .object(["error": .string(error.message)]))
        }
    }

    private func thingJSON(_ thing: ThingStore.ThingRecord) -> JSONValue {
        var properties = JSONObject()
        for (name, record) in thing.properties.sorted(by: { $0.key < $1.key }) {
            properties.append(name, ThingStore.json(record))
        }
        var object = JSONObject()
        object.append("name", .string(thing.name))
        object.append("isConnected", .bool(thing.isConnected))
        object.append("lastConnection", thing.lastConnection.map { .integer($0) } ?? .null)
        object.append("lastDisconnectReason", thing.lastDisconnectReason.map { .string($0) } ?? .null)
        object.append("properties", .object(properties))
        object.append("events", .array(thing.events.map { .object(["name": .string($0.name), "time": .integer($0.time)]) }))
        return .object(object)
    }

    private func sessionJSON(_ session: PlatformSession) -> JSONValue {
        .object([
            "id": .integer(Int64(session.id)),
            "remoteAddress": .string(session.remoteAddress),
            "authenticated": .bool(session.sessionID != nil),
            "boundThings": .array(session.boundThings.map { .string($0) }),
            "connectedAt": .integer(Int64(session.connectedAt.timeIntervalSince1970 * 1000)),
        ])
    }

    private func notFound(_ message: String) -> Reply {
        Reply(status: .notFound, body: .object(["error": .string(message)]))
    }

    private func badRequest(_ message: String) -> Reply {
        Reply(status: .badRequest, body: .object(["error": .string(message)]))
    }
}
