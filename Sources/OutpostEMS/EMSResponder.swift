import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OutpostWire

/// Answers every REST request: limits, authentication, the `/Thingworx` URL grammar, local services
/// and requests forwarded to the platform. Errors become ``EMSError`` responses here, at the boundary.
struct EMSResponder: HTTPResponder {
    typealias Context = EMSRequestContext

    let settings: EMSSettings
    let link: any PlatformLink
    let writes: any WriteSink
    let registry: EdgeRegistry
    let local: LocalEmsServices
    let throttle: LoginThrottle
    let logger: Logger

    static let allowed = "GET, HEAD, POST, PUT, DELETE, OPTIONS"

    func respond(to request: Request, context: Context) async throws -> Response {
        let response: Response
        do {
            response = try await handle(request, context: context)
        } catch {
            response = error.response()
        }
        logger.debug(
            "request",
            metadata: [
                "outpost.ems.client": "\(context.clientAddress)", "outpost.ems.method": "\(request.method)",
                "outpost.ems.path": "\(request.uri.path.prefix(200))", "outpost.ems.status": "\(response.status.code)",
            ])
        if request.method == .head {
            // Same status and headers as GET, Content-Length included, no body.
            // (Setting `body` rewrites Content-Length, so the header is set afterwards.)
            let length = response.headers[.contentLength] ?? response.body.contentLength.map { String($0) }
            var head = response
            head.body = HTTPBody()
            head.headers[.contentLength] = length
            return head
        }
        return response
    }

    private func handle(_ request: Request, context: Context) async throws(EMSError) -> Response {
        let head = RequestHeadFields(request.headers)
        if let error = limitError(uriLength: request.uri.description.utf8.count, head: head) { throw error }
        if request.method == .options {
            var headers = HTTPFields()
            headers[.allow] = Self.allowed
            return Response(status: .noContent, headers: headers)
        }
        if let auth = settings.auth {
            if let wait = throttle.retryAfter(context.clientAddress) {
                var headers = HTTPFields()
                headers[.retryAfter] = String(wait)
                throw EMSError(.tooManyRequests, "too many failed logins from this address; try again later", headers: headers)
            }
            switch auth.verify(authorization: head.authorization) {
            case .accepted:
                break
            case .missing, .rejected:
                let missing = head.authorization == nil
                if !missing {
                    throttle.recordFailure(context.clientAddress)
                    logger.notice("failed login", metadata: ["outpost.ems.client": "\(context.clientAddress)"])
                }
                var headers = HTTPFields()
                headers[.wwwAuthenticate] = auth.challenge
                throw EMSError(
                    .unauthorized, missing ? "This server requires authentication" : "Invalid username or password",
                    headers: headers)
            }
        }
        switch request.method {
        case .get, .head, .put, .post, .delete:
            break
        default:
            var headers = HTTPFields()
            headers[.allow] = Self.allowed
            throw EMSError(.methodNotAllowed, "Method \(request.method.rawValue) not allowed for this resource", headers: headers)
        }

        let path: ThingworxPath
        switch ThingworxPath.parse(request.uri.path) {
        case .success(let parsed): path = parsed
        case .failure(.notThingworx): throw .notFound("Not found: the EMS REST API lives under /Thingworx")
        case .failure(.unknownCollection(let name)): throw .notFound("Not found: unknown collection '\(name)'")
        case .failure(.unexpectedCharacteristic(let name)):
            throw .badRequest("Unexpected characteristic '\(name)': use Properties, Services or Events")
        case .failure(.tooManySegments): throw .notFound("Not found: too many path segments")
        case .failure(.badEncoding): throw .badRequest("the path is not valid percent-encoded UTF-8")
        }
        guard let entity = path.entity else {
            throw .notFound("\(path.collection) cannot be listed through the EMS; name an entity, e.g. /Thingworx/\(path.collection)/NAME/Properties")
        }
        guard let characteristic = path.characteristic else {
            if request.method == .delete {
                let message = WireRequest(method: .delete, entityType: path.entityType, entityName: entity, characteristic: .properties, target: "")
                return try await forward(message)
            }
            throw .notFound("name a characteristic: /Thingworx/\(path.collection)/\(entity)/Properties, /Services/NAME or /Events/NAME")
        }
        let isLocal = path.entityType == .thing && registry.isLocal(entity)
        let method: HTTPRequest.Method = request.method == .head ? .get : request.method

        switch (method, characteristic) {
        case (.get, .properties):
            if isLocal { return Self.table(try local.property(path.name)) }
            return try await forward(WireRequest(method: .get, entityType: path.entityType, entityName: entity, characteristic: .properties, target: path.name ?? ""))
        case (.put, .properties):
            guard let name = path.name else { throw .badRequest("PUT needs a property name, or * to write several") }
            let body = try await readParameters(request, head: head)
            if isLocal {
                if LocalEmsServices.readOnlyProperties.contains(name) {
                    return Self.json(.object(["isConnected": .bool(link.isConnected)]))
                }
                throw .notFound("\(entity) has no property \(name)")
            }
            let parameters = try Self.propertyParameters(body, name: name)
            let message = WireRequest(method: .put, entityType: path.entityType, entityName: entity, characteristic: .properties, target: name == "*" ? "*" : name, parameters: parameters)
            return await write(message)
        case (.post, .services):
            guard let name = path.name else { throw .badRequest("POST needs a service name: /Services/NAME") }
            let body = try await readParameters(request, head: head)
            if isLocal {
                let parameters = try Self.infoTable(body).parametersJSON()
                return Self.table(try await local.call(name, parameters: parameters, caller: LocalCaller(clientAddress: context.clientAddress)))
            }
            let call = WireRequest(method: .post, entityType: path.entityType, entityName: entity, characteristic: .services, target: name, parameters: try Self.infoTable(body))
            // A property push is a write: it goes through the outbox like a PUT.
            return try await name == "UpdateSubscribedPropertyValues" ? write(call) : forward(call)
        case (.post, .events):
            guard let name = path.name else { throw .badRequest("POST needs an event name: /Events/NAME") }
            let body = try await readParameters(request, head: head)
            if isLocal { throw .notFound("\(entity) has no event \(name)") }
            return await write(WireRequest(method: .post, entityType: path.entityType, entityName: entity, characteristic: .events, target: name, parameters: try Self.infoTable(body)))
        case (.delete, .properties):
            guard let name = path.name, !isLocal else { throw .badRequest("DELETE needs a property of a platform thing") }
            return try await forward(WireRequest(method: .delete, entityType: path.entityType, entityName: entity, characteristic: .properties, target: name))
        case (.get, .services), (.get, .events):
            throw EMSError(.methodNotAllowed, "services and events need POST", headers: [.allow: "POST"])
        default:
            throw EMSError(.methodNotAllowed, "\(request.method.rawValue) is not supported on \(characteristic.name)", headers: [.allow: Self.allowed])
        }
    }

    /// The answer to a request over the URI or header limit, nil within them. The event-loop path asks
    /// the same question (``admittedPath``), so both refuse the same requests.
    func limitError(uriLength: Int, head: RequestHeadFields) -> EMSError? {
        if uriLength > settings.maxURILength {
            return EMSError(.uriTooLong, "the request URI is longer than \(settings.maxURILength) bytes", close: true)
        }
        if head.byteCount > settings.maxHeaderBytes {
            return EMSError(.init(code: 431), "the request headers are larger than \(settings.maxHeaderBytes) bytes", close: true)
        }
        return nil
    }

    // MARK: Upstream

    private func forward(_ message: WireRequest) async throws(EMSError) -> Response {
        do {
            return try Self.answer(try await link.send(message))
        } catch let error as PlatformLinkError {
            throw EMSError.link(error, retryAfter: settings.retryAfterSeconds)
        } catch let error as EMSError {
            throw error
        } catch {
            throw EMSError(.badGateway, "\(error)")
        }
    }

    private func write(_ message: WireRequest) async -> Response {
        await writeAnswer(message).response
    }

    /// Hands a write to the sink and says how it went: 200 with the platform's answer, 202 when it was
    /// stored for later, or the error. Also used for writes answered on the event loop.
    func writeAnswer(_ message: WireRequest) async -> EMSAnswer {
        do throws(PlatformLinkError) {
            return writeAnswer(.success(try await writes.write(message)), thing: message.entityName)
        } catch {
            return writeAnswer(.failure(error), thing: message.entityName)
        }
    }

    /// The same for the event-loop write path: `done` gets the answer on whichever thread finishes
    /// the write; nothing waits meanwhile.
    func submitWrite(_ message: WireRequest, done: @escaping @Sendable (EMSAnswer) -> Void) {
        writes.submit(message) { [self] outcome in done(writeAnswer(outcome, thing: message.entityName)) }
    }

    private func writeAnswer(_ outcome: Result<WireResponse?, PlatformLinkError>, thing: String) -> EMSAnswer {
        switch outcome {
        case .success(nil):
            // Stored for later delivery: say so, for clients that only log bodies.
            var body: JSONObject = ["queued": .bool(true), "message": .string(OutboxWriteSink.queuedMessage)]
            // How much of this thing's data is waiting, this write included: a client can slow down.
            if let stored = writes.storedCount(thing: thing) { body.append("storedForThing", .integer(Int64(stored))) }
            return EMSAnswer(status: .accepted, headers: [.contentType: Self.jsonContentType], body: Self.jsonBody(.object(body)))
        case .success(let reply?):
            guard reply.status.isSuccess else { return EMSError.platform(reply.status, reason: reply.reason).answer }
            return Self.tableAnswer(reply.content)
        case .failure(let error):
            return EMSError.link(error, retryAfter: settings.retryAfterSeconds).answer
        }
    }

    static func answer(_ reply: WireResponse) throws(EMSError) -> Response {
        guard reply.status.isSuccess else { throw EMSError.platform(reply.status, reason: reply.reason) }
        return table(reply.content)
    }

    static func table(_ table: InfoTable?) -> Response {
        tableAnswer(table).response
    }

    static func tableAnswer(_ table: InfoTable?) -> EMSAnswer {
        guard let table else { return EMSAnswer(status: .ok, headers: [.contentType: "application/json"], body: ByteBuffer()) }
        return EMSAnswer(status: .ok, headers: [.contentType: jsonContentType], body: jsonBody(table.emsJSON()))
    }

    static func json(_ value: JSONValue) -> Response {
        Response(status: .ok, headers: [.contentType: jsonContentType], body: HTTPBody(byteBuffer: jsonBody(value)))
    }

    static let jsonContentType = "application/json; charset=utf-8"

    static func jsonBody(_ value: JSONValue) -> ByteBuffer {
        ByteBuffer(bytes: value.serializedBytes())
    }

    // MARK: Bodies

    /// The body as JSON (`null` when empty), within the size limit and `content_read_timeout`.
    private func readParameters(_ request: Request, head: RequestHeadFields) async throws(EMSError) -> JSONValue {
        let mediaType = head.mediaType
        if let length = head.contentLength.flatMap({ Int($0) }), length > settings.maxBodyBytes {
            throw EMSError(.contentTooLarge, "the request body is \(length) bytes; the limit is \(settings.maxBodyBytes)", close: true)
        }
        let bytes = try await readBody(request)
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return .null }
        let looksLikeJSON = bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }).map { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "[") } ?? false
        switch mediaType {
        case "", "application/json", "text/json", "application/x-www-form-urlencoded":
            if mediaType == "application/x-www-form-urlencoded" && !looksLikeJSON {
                return .object(Self.formFields(bytes))
            }
            do {
                return try JSONValue(parsing: bytes)
            } catch {
                throw .badRequest("Invalid JSON content: \(error.description)")
            }
        default:
            throw EMSError(.unsupportedMediaType, "The specified content-type is not supported: use application/json")
        }
    }

    /// The body within the size limit; ``BodyReadDeadline`` on the channel ends a body that takes
    /// longer than `content_read_timeout`.
    private func readBody(_ request: Request) async throws(EMSError) -> [UInt8] {
        let limit = settings.maxBodyBytes
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch let error as BodyReadTimeout {
            throw EMSError(.requestTimeout, error.description, close: true)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw EMSError(.contentTooLarge, "the request body is larger than \(limit) bytes", close: true)
        } catch {
            throw EMSError(.badRequest, "the request body could not be read", close: true)
        }
    }

    static func formFields(_ bytes: [UInt8]) -> JSONObject {
        var object = JSONObject()
        for pair in String(decoding: bytes, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            object.append(decode(parts[0]), .string(parts.count > 1 ? decode(parts[1]) : ""))
        }
        return object
    }

    static func infoTable(_ json: JSONValue) throws(EMSError) -> InfoTable {
        do {
            return try InfoTable(requestBody: json)
        } catch {
            throw .badRequest("Invalid parameters: \(error.description)")
        }
    }

    /// A property write must carry the property: `{"<name>": value}` (flat) or an InfoTable row with it.
    static func propertyParameters(_ json: JSONValue, name: String) throws(EMSError) -> InfoTable {
        guard case .object = json else {
            throw .badRequest("a property write needs a JSON object such as {\"\(name)\": value}")
        }
        let table = try infoTable(json)
        if name != "*" && table.dataShape.index(of: name) == nil {
            throw .badRequest("the body has no value for property '\(name)'; send {\"\(name)\": value}")
        }
        if table.rowCount == 0 { throw .badRequest("the body has no row of values") }
        return table
    }
}
