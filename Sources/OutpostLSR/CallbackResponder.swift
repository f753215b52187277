import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OutpostLua
import OutpostWire

/// Answers the EMS's callbacks for the things (`ems-lsr.md` §4.4): under `/scripts/Thingworx/Things`,
/// property reads and writes, service calls and metadata, each answered by the thing's Lua state.
/// Unknown things, properties and services are 404 with a message; bad bodies 400.
struct CallbackResponder: HTTPResponder {
    typealias Context = CallbackRequestContext

    let things: ThingDirectory
    let auth: LSRBasicAuth?
    let refresh: SubscriptionRefresh
    let logger: Logger
    static let prefix = ["scripts", "Thingworx", "Things"]
    static let maxBodyBytes = 1 << 20

    func respond(to request: Request, context: Context) async throws -> Response {
        let response: Response
        do {
            response = try await handle(request)
        } catch {
            response = error.response
        }
        logger.debug("callback \(request.method) \(request.uri.path.prefix(200)) → \(response.status.code)")
        return response
    }

    private func handle(_ request: Request) async throws(CallbackError) -> Response {
        if let auth, !auth.accepts(authorization: request.headers[.authorization]) {
            var error = CallbackError(.unauthorized, "This server requires authentication: script_resource_userid and script_resource_password")
            error.challenge = auth.challenge
            throw error
        }
        let segments = request.uri.path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        if segments.count >= 2, segments[0] == "scripts", segments[1] != "Thingworx" {
            return try await scriptCallback(request, script: segments[1], path: Array(segments.dropFirst(2)))
        }
        guard segments.count >= 3, Array(segments.prefix(3)) == Self.prefix else {
            throw CallbackError(.notFound, "Path not found: \(request.uri.path.prefix(200))")
        }
        let rest = Array(segments.dropFirst(3))
        if rest.isEmpty {
            guard request.method == .get else { throw CallbackError(.methodNotAllowed, "\(request.method) is not allowed on the thing list") }
            return Self.json(.object(["Things": .array(things.names.map { .string($0) })]))
        }
        guard let thing = things.thing(rest[0]) else {
            throw CallbackError(.notFound, "Thing '\(rest[0])' not found")
        }
        switch (request.method, rest.count) {
        case (.get, 1):
            return Self.json(thing.metadata())
        case (.get, 2) where rest[1] == "Properties":
            return try await allProperties(thing)
        case (.get, 3) where rest[1] == "Properties":
            return try await readProperty(thing, rest[2])
        case (.put, 3) where rest[1] == "Properties":
            return try await writeProperty(thing, rest[2], body: try await Self.body(request))
        case (.get, 2) where rest[1] == "Services":
            return Self.json(.array(thing.services.filter { !$0.isPrivate }.map { .string($0.name) }))
        case (.post, 3) where rest[1] == "Services" && rest[2] == "NotifyPropertyUpdate" && thing.service(rest[2])?.isImplemented != true:
            // The platform changed this thing's subscriptions: the loop reads them again.
            refresh.request(thing.name)
            return Response(status: .ok, headers: [.contentType: "text/plain"])
        case (.post, 3) where rest[1] == "Services":
            return try await invoke(thing, rest[2], body: try await Self.body(request), headers: request.headers)
        case (_, 2) where ["Properties", "Services"].contains(rest[1]), (_, 3) where ["Properties", "Services"].contains(rest[1]):
            throw CallbackError(.methodNotAllowed, "\(request.method) is not allowed on \(rest[1])")
        default:
            throw CallbackError(.notFound, "Path not found: \(request.uri.path.prefix(200))")
        }
    }

    // MARK: Properties

    private func readProperty(_ thing: LuaThing, _ name: String) async throws(CallbackError) -> Response {
        let value: LuaPropertyValue
        do {
            value = try await thing.read(name)
        } catch {
            throw CallbackError(error)
        }
        let primitive: Primitive
        do {
            primitive = try value.primitive()
        } catch {
            throw CallbackError(.internalServerError, "property \(name) holds a value that is not a \(value.baseType.name): \(error)")
        }
        let table = InfoTable(
            fields: [FieldDefinition(name: name, baseType: value.baseType), FieldDefinition(name: "time", baseType: .datetime)],
            rows: [[primitive, .datetime(value.time)]])
        return Self.json(table.emsJSON())
    }

    /// Every public property in one row, as the platform's GET of `…/Properties` expects.
    private func allProperties(_ thing: LuaThing) async throws(CallbackError) -> Response {
        var fields: [FieldDefinition] = []
        var row: [Primitive] = []
        for definition in thing.properties where !definition.isPrivate {
            guard let value = try? await thing.read(definition.name), let primitive = try? value.primitive() else { continue }
            fields.append(FieldDefinition(name: definition.name, baseType: value.baseType))
            row.append(primitive)
        }
        return Self.json(InfoTable(fields: fields, rows: [row]).emsJSON())
    }

    /// Accepts `{"<p>": v}`, `{"value": v}` or an InfoTable whose first row has `<p>`.
    private func writeProperty(_ thing: LuaThing, _ name: String, body: [UInt8]) async throws(CallbackError) -> Response {
        guard let definition = thing.property(name) else { throw CallbackError(.notFound, "Property '\(name)' not found") }
        guard !body.isEmpty, let json = try? JSONValue(parsing: body), case .object(let object) = json else {
            throw CallbackError(.badRequest, "Property update requires JSON data: send {\"\(name)\": value}")
        }
        do {
            if object["rows"] != nil {
                let table: InfoTable
                do {
                    table = try InfoTable(emsJSON: json)
                } catch {
                    throw CallbackError(.badRequest, "Request to set property \(name) did not contain valid data: \(error)")
                }
                guard let value = table.value(name) ?? table.value(row: 0, column: 0) else {
                    throw CallbackError(.badRequest, "Request to set property \(name) did not contain valid data: no value for \(name) in the first row")
                }
                try await thing.write(name, value)
            } else if let value = object[name] ?? object["value"] {
                try await thing.write(name, value)
            } else {
                throw CallbackError(.badRequest, "Request to set property \(name) did not contain valid data: expected {\"\(name)\": value} with a \(definition.baseTypeName)")
            }
        } catch let error as LuaThingError {
            throw CallbackError(error)
        } catch let error as CallbackError {
            throw error
        } catch {
            throw CallbackError(.internalServerError, "\(error)")
        }
        return Response(status: .ok, headers: [.contentType: "text/plain"])
    }

    // MARK: Services

    private func invoke(_ thing: LuaThing, _ service: String, body: [UInt8], headers: HTTPFields) async throws(CallbackError) -> Response {
        let parameters: JSONValue
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            parameters = .null
        } else {
            guard let json = try? JSONValue(parsing: body) else {
                throw CallbackError(.badRequest, "Service invocation requires JSON data")
            }
            parameters = json
        }
        var headerTable: [String: String] = [:]
        for field in headers where field.name != .authorization { headerTable[field.name.canonicalName] = field.value }
        let result = await thing.invoke(service, parameters: parameters, headers: headerTable)
        if result.code != 200 {
            if result.code >= 500 { logger.error("service \(service) of \(thing.name) failed: \(result.message ?? "")") }
            throw CallbackError(HTTPResponse.Status(code: result.code), result.message ?? "service \(service) failed")
        }
        guard let body = result.body else { return Response(status: .ok, headers: [.contentType: "text/plain"]) }
        return Self.json(body)
    }

    // MARK: Script callbacks

    /// `/scripts/{script}/{path…}` → the script's `tw_http.registerCallback` function.
    private func scriptCallback(_ request: Request, script: String, path: [String]) async throws(CallbackError) -> Response {
        guard let thing = things.thing(script) else { throw CallbackError(.notFound, "Script '\(script)' not found") }
        let body = try await Self.body(request)
        var headerTable: [String: String] = [:]
        for field in request.headers where field.name != .authorization { headerTable[field.name.canonicalName] = field.value }
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        let result = await thing.httpCallback(
            method: request.method.rawValue, path: path, headers: headerTable, query: query,
            body: body.isEmpty ? nil : String(decoding: body, as: UTF8.self))
        if result.code >= 500 { logger.error("callback /scripts/\(script)/\(path.joined(separator: "/")) failed: \(result.body.prefix(300))") }
        var headers = HTTPFields()
        for (name, value) in result.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        if headers[.contentType] == nil { headers[.contentType] = "text/plain" }
        return Response(status: HTTPResponse.Status(code: result.code), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: result.body)))
    }

    // MARK: Helpers

    static func body(_ request: Request) async throws(CallbackError) -> [UInt8] {
        do {
            let buffer = try await request.body.collect(upTo: maxBodyBytes)
            return Array(buffer.readableBytesView)
        } catch {
            throw CallbackError(.contentTooLarge, "the request body is larger than \(maxBodyBytes) bytes or could not be read")
        }
    }

    static func json(_ value: JSONValue) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.serializedBytes())))
    }
}
