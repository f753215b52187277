import HTTPTypes
import NIOCore
import OutpostWire

/// The requests ``EMSFastPathHandler`` answers on the event loop: what they are, decided with the same
/// steps as ``EMSResponder/respond(to:context:)``. Each function returns `nil` for anything else,
/// including every request that would be refused, which then goes the full way and gets the
/// responder's answer.
extension EMSResponder {
    /// A property write to a platform thing, planned from its head; the body decides the rest.
    struct PlannedWrite: Sendable {
        let entityType: EntityType
        let entity: String
        let property: String
    }

    /// The JSON body of the `200` answer to a read of a local property (`LocalEms` or an auto-bound
    /// gateway name), answered from memory.
    func localRead(_ request: HTTPRequest, clientAddress: String) -> ByteBuffer? {
        guard request.method == .get, let path = admittedPath(request, head: RequestHeadFields(request.headerFields), clientAddress: clientAddress),
            path.entityType == .thing, let entity = path.entity, path.characteristic == .properties, registry.isLocal(entity)
        else { return nil }
        return local.propertyBody(path.name)
    }

    /// Bodies up to this size are parsed on the event loop; a larger one (a big InfoTable) goes the full
    /// way, so parsing it cannot hold up the loop's other connections. Sensor writes are far smaller.
    static let eventLoopBodyLimit = 16 * 1024

    /// `PUT /Thingworx/Things/{thing}/Properties/{name}` of a platform thing with a JSON body of a
    /// declared length within ``eventLoopBodyLimit`` and the body limit.
    func plannedWrite(_ request: HTTPRequest, clientAddress: String) -> PlannedWrite? {
        guard request.method == .put else { return nil }
        let head = RequestHeadFields(request.headerFields)
        guard let path = admittedPath(request, head: head, clientAddress: clientAddress), let entity = path.entity,
            path.characteristic == .properties, let name = path.name
        else { return nil }
        guard !(path.entityType == .thing && registry.isLocal(entity)) else { return nil }
        guard let length = head.contentLength.flatMap({ Int($0) }), length > 0, length <= min(settings.maxBodyBytes, Self.eventLoopBodyLimit) else {
            return nil
        }
        switch head.mediaType {
        case "", "application/json", "text/json": break
        default: return nil
        }
        return PlannedWrite(entityType: path.entityType, entity: entity, property: name)
    }

    /// The message for a planned write and its body, when the body is a valid write of the property.
    func message(for write: PlannedWrite, body: ByteBuffer) -> WireRequest? {
        guard let json = try? JSONValue(parsing: Array(body.readableBytesView)),
            let parameters = try? Self.propertyParameters(json, name: write.property)
        else { return nil }
        return WireRequest(
            method: .put, entityType: write.entityType, entityName: write.entity, characteristic: .properties,
            target: write.property == "*" ? "*" : write.property, parameters: parameters)
    }

    /// The parsed `/Thingworx` path of a request that passes the URI and header limits, the login
    /// throttle and the credentials.
    private func admittedPath(_ request: HTTPRequest, head: RequestHeadFields, clientAddress: String) -> ThingworxPath? {
        guard let target = request.path, limitError(uriLength: target.utf8.count, head: head) == nil else { return nil }
        if let auth = settings.auth {
            guard throttle.retryAfter(clientAddress) == nil, auth.verify(authorization: head.authorization) == .accepted else { return nil }
        }
        let pathOnly = target.utf8.firstIndex(of: UInt8(ascii: "?")).map { String(target[..<$0]) } ?? target
        guard case .success(let path) = ThingworxPath.parse(pathOnly) else { return nil }
        return path
    }
}
