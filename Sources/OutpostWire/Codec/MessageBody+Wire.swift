extension WireReader {
    /// §3.1.
    mutating func requestBody(_ method: RequestMethod) throws(WireError) -> RequestBody {
        let entityType = EntityType(rawValue: try byte("entity type"))
        let entityName = try string("entity name")
        let characteristic = Characteristic(rawValue: try byte("characteristic type"))
        let target = try string("characteristic name")
        let headerCount = Int(try byte("header count"))
        var headers: [RequestBody.Header] = []
        for _ in 0..<headerCount {
            let name = try string("header name")
            headers.append(RequestBody.Header(name: name, value: try string("header value")))
        }
        let markerOffset = position
        var parameters: InfoTable? = nil
        if try contentMarker("parameters marker") {
            try enterNested(at: markerOffset)
            parameters = try infoTable()
            leaveNested()
        }
        return RequestBody(
            method: method,
            entityType: entityType,
            entityName: entityName,
            characteristic: characteristic,
            target: target,
            headers: headers,
            parameters: parameters
        )
    }

    /// §3.2. A zero reason flag followed by zero padding (the C SDK's habit) leaves the padding for the
    /// caller to record as trailing bytes.
    mutating func responseBody(_ status: ResponseStatus) throws(WireError) -> ResponseBody {
        var reason: String? = nil
        if try flag("reason flag") {
            reason = try string("reason")
        }
        let markerOffset = position
        var content: InfoTable? = nil
        if try contentMarker("content marker") {
            try enterNested(at: markerOffset)
            content = try infoTable()
            leaveNested()
        }
        return ResponseBody(status: status, reason: reason, content: content)
    }

    /// §3.3. All `claimCount` pairs are read (the C SDK's own parser reads only the first).
    mutating func authBody() throws(WireError) -> AuthBody {
        let count = Int(try byte("claim count"))
        var claims: [AuthBody.Claim] = []
        for _ in 0..<count {
            let name = try string("claim name")
            claims.append(AuthBody.Claim(name: name, value: try string("claim value")))
        }
        return AuthBody(claims: claims)
    }

    /// §3.4.
    mutating func bindBody() throws(WireError) -> BindBody {
        var gateway: BindBody.Gateway? = nil
        if try flag("gateway flag") {
            let name = try string("gateway name")
            gateway = BindBody.Gateway(name: name, type: try string("gateway type"))
        }
        let count = Int(try uint16("name count"))
        var names: [String] = []
        names.reserveCapacity(min(count, remaining))
        for _ in 0..<count {
            names.append(try string("thing name"))
        }
        return BindBody(gateway: gateway, names: names)
    }

    /// The fields of a chunk after the header (§3.5), up to where its data starts.
    mutating func chunkFields(
        _ code: MessageCode
    ) throws(WireError) -> (number: UInt16, count: UInt16, size: UInt16, entity: MultipartChunk.Entity?) {
        let numberOffset = position
        let number = try uint16("chunk number")
        let countOffset = position
        let count = try uint16("chunk count")
        let size = try uint16("chunk size")
        guard count > 0 else {
            throw WireError(.invalidChunk, at: countOffset, "the chunk count is 0; a multipart message has at least one chunk")
        }
        guard number >= 1 && number <= count else {
            throw WireError(.chunkOutOfRange, at: numberOffset, "chunk number \(number) is outside 1...\(count)")
        }
        var entity: MultipartChunk.Entity? = nil
        if code.kind == .request {
            let type = EntityType(rawValue: try byte("chunk entity type"))
            entity = MultipartChunk.Entity(type: type, name: try string("chunk entity name"))
        }
        return (number, count, size, entity)
    }
}

extension WireWriter {
    /// Header, body and any recorded trailing bytes.
    mutating func message(_ message: AlwaysOnMessage) throws(WireError) {
        let header = message.header
        sink.byte(header.version)
        sink.byte(header.code.rawValue)
        sink.uint32(header.requestID)
        sink.uint32(header.endpointID)
        sink.uint32(header.sessionID)
        sink.byte(header.multipartFlag)
        try body(message.body)
        if let trailing = message.spelling?.trailingBytes, !trailing.isEmpty {
            if case .chunk = message.body {} else { sink.bytes(trailing) }
        }
    }

    mutating func body(_ body: MessageBody) throws(WireError) {
        switch body {
        case .request(let request):
            sink.byte(request.entityType.rawValue)
            try string(request.entityName, "entity name")
            sink.byte(request.characteristic.rawValue)
            try string(request.target, "characteristic name")
            sink.byte(try Self.checkedUInt8(request.headers.count, "request headers"))
            for header in request.headers {
                try string(header.name, "header name")
                try string(header.value, "header value")
            }
            contentMarker(request.parameters != nil)
            if let parameters = request.parameters {
                try infoTable(parameters, depth: 1)
            }
        case .response(let response):
            flag(response.reason != nil)
            if let reason = response.reason {
                try string(reason, "reason")
            }
            contentMarker(response.content != nil)
            if let content = response.content {
                try infoTable(content, depth: 1)
            }
        case .auth(let auth):
            sink.byte(try Self.checkedUInt8(auth.claims.count, "claims"))
            for claim in auth.claims {
                try string(claim.name, "claim name")
                try string(claim.value, "claim value")
            }
        case .bind(let bind), .unbind(let bind):
            flag(bind.gateway != nil)
            if let gateway = bind.gateway {
                try string(gateway.name, "gateway name")
                try string(gateway.type, "gateway type")
            }
            sink.uint16(try Self.checkedUInt16(bind.names.count, "bound names"))
            for name in bind.names {
                try string(name, "thing name")
            }
        case .keepAlive:
            break
        case .chunk(let chunk):
            try self.chunk(chunk)
        }
    }

    private mutating func chunk(_ chunk: MultipartChunk) throws(WireError) {
        switch chunk.code.kind {
        case .request:
            guard chunk.entity != nil else {
                throw WireError(.notEncodable, at: nil, "a chunk of a \(chunk.code.name) request must carry its entity")
            }
        case .response:
            guard chunk.entity == nil else {
                throw WireError(.notEncodable, at: nil, "a chunk of a response carries no entity")
            }
        default:
            throw WireError(.notEncodable, at: nil, "\(chunk.code.name) messages cannot be multipart")
        }
        guard chunk.count > 0, (1...chunk.count).contains(chunk.number) else {
            throw WireError(.notEncodable, at: nil, "chunk number \(chunk.number) is outside 1...\(chunk.count)")
        }
        sink.uint16(chunk.number)
        sink.uint16(chunk.count)
        sink.uint16(chunk.chunkSize)
        if let entity = chunk.entity {
            sink.byte(entity.type.rawValue)
            try string(entity.name, "chunk entity name")
        }
        sink.buffer(chunk.data)
    }
}

extension AlwaysOnMessage: WireEncodable {
    func write<Sink: WireSink>(into writer: inout WireWriter<Sink>) throws(WireError) {
        try writer.message(self)
    }
}

extension MultipartChunk.Entity: WireEncodable {
    /// Entity type and name, as a request chunk repeats them.
    func write<Sink: WireSink>(into writer: inout WireWriter<Sink>) throws(WireError) {
        writer.sink.byte(type.rawValue)
        try writer.string(name, "entity name")
    }
}
