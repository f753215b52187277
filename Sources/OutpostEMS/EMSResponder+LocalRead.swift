import HTTPTypes
import NIOCore
import OutpostWire

extension EMSResponder {
    /// The JSON body of the `200` answer to a request that reads a local property (`LocalEms` or an auto-bound gateway name)
    /// and passes every check: URI and header limits, the login throttle and the credentials.
    /// `nil` for anything else, including every request that would be refused.
    ///
    /// Synchronous and answered from memory, so ``EMSLocalReadHandler`` can answer it on the event loop.
    /// It follows the same steps as ``respond(to:context:)`` for such a request and gives the same
    /// response; every other request, and every error answer, still goes the full way.
    func localRead(_ request: HTTPRequest, clientAddress: String) -> ByteBuffer? {
        guard request.method == .get, let target = request.path else { return nil }
        guard target.utf8.count <= settings.maxURILength else { return nil }
        let head = RequestHeadFields(request.headerFields)
        guard head.byteCount <= settings.maxHeaderBytes else { return nil }
        if let auth = settings.auth {
            guard throttle.retryAfter(clientAddress) == nil, auth.verify(authorization: head.authorization) == .accepted else { return nil }
        }
        let pathOnly = target.utf8.firstIndex(of: UInt8(ascii: "?")).map { String(target[..<$0]) } ?? target
        guard case .success(let path) = ThingworxPath.parse(pathOnly), path.entityType == .thing, let entity = path.entity,
            path.characteristic == .properties, registry.isLocal(entity)
        else { return nil }
        guard let table = try? local.property(path.name) else { return nil }
        return Self.jsonBody(table.emsJSON())
    }
}
