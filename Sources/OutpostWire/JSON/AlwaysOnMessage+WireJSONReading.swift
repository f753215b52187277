import NIOCore

extension AlwaysOnMessage {
    /// Builds a message from the JSON that ``wireJSON()`` writes. Encoding the result gives back the
    /// exact bytes the JSON was decoded from.
    public init(wireJSON json: JSONValue, limits: WireLimits = .default) throws(WireJSONError) {
        var reader = WireJSONReader(limits: limits)
        self = try reader.message(json)
    }

    /// Parses JSON text and builds a message as in ``init(wireJSON:limits:)-(JSONValue,_)``.
    public init(wireJSON text: String, limits: WireLimits = .default) throws(WireJSONError) {
        try self.init(wireJSON: try JSONValue(parsing: text, maxDepth: limits.jsonDepth), limits: limits)
    }
}

/// Strict reader for the `outpost wire` JSON form: every member is checked for kind and range, and
/// unknown members are errors (a typo must not silently change the bytes).
private struct WireJSONReader {
    let limits: WireLimits
    let coder: InfoTableJSONCoder

    init(limits: WireLimits) {
        self.limits = limits
        self.coder = InfoTableJSONCoder(mode: .exact, maxDepth: limits.maxNestingDepth)
    }

    mutating func message(_ json: JSONValue) throws(WireJSONError) -> AlwaysOnMessage {
        let object = try self.object(json, "", allowed: ["header", "request", "response", "auth", "bind", "unbind", "keepAlive", "chunk", "spelling"])
        let header = try self.object(try member(object, "header", ""), "header", allowed: ["version", "code", "requestId", "endpointId", "sessionId", "multipart"])
        let version = UInt8(try integer(header, "version", "header", range: 0...255, default: 1))
        let codeJSON = try member(header, "code", "header")
        guard let codeName = codeJSON.stringValue, let code = MessageCode(name: codeName) else {
            throw WireJSONError(.typeMismatch, path: "header.code", "expected a message code name (GET, SUCCESS, AUTH, …) or 0x.. hex, got \(codeJSON.kindDescription)")
        }
        let requestID = UInt32(try integer(header, "requestId", "header", range: 0...Int64(UInt32.max)))
        let endpointID = UInt32(try integer(header, "endpointId", "header", range: 0...Int64(UInt32.max), default: 0))
        let sessionID = UInt32(try integer(header, "sessionId", "header", range: 0...Int64(UInt32.max)))
        let multipart = UInt8(try integer(header, "multipart", "header", range: 0...255, default: 0))

        let bodyKeys = object.keys.filter { $0 != "header" && $0 != "spelling" }
        guard bodyKeys.count == 1, let bodyKey = bodyKeys.first else {
            throw WireJSONError(.missingMember, "expected exactly one body member (request, response, auth, bind, unbind, keepAlive or chunk), found \(bodyKeys.count)")
        }
        let bodyJSON = object[bodyKey]!
        var spelling = try self.spelling(object["spelling"])
        if version != 1 { spelling.version = version }

        func requireKind(_ kinds: [MessageCode.Kind], _ what: String) throws(WireJSONError) {
            guard kinds.contains(code.kind) else {
                throw WireJSONError(.typeMismatch, path: "header.code", "code \(code.name) does not go with a \(what) body")
            }
        }
        if bodyKey == "chunk" {
            guard multipart != 0 else {
                throw WireJSONError(.typeMismatch, path: "header.multipart", "a chunk needs a non-zero multipart flag")
            }
            if multipart != 1 { spelling.multipartFlag = multipart }
        } else if multipart != 0 {
            throw WireJSONError(.typeMismatch, path: "header.multipart", "only a chunk has a non-zero multipart flag")
        }

        let body: MessageBody
        switch bodyKey {
        case "request":
            try requireKind([.request], "request")
            body = .request(try request(bodyJSON, method: RequestMethod(rawValue: code.rawValue)!))
        case "response":
            try requireKind([.response], "response")
            body = .response(try response(bodyJSON, status: ResponseStatus(rawValue: code.rawValue)!))
        case "auth":
            try requireKind([.auth], "auth")
            body = .auth(try auth(bodyJSON))
        case "bind":
            try requireKind([.bind], "bind")
            body = .bind(try bind(bodyJSON, "bind"))
        case "unbind":
            try requireKind([.unbind], "unbind")
            body = .unbind(try bind(bodyJSON, "unbind"))
        case "keepAlive":
            try requireKind([.keepAlive], "keepAlive")
            _ = try self.object(bodyJSON, "keepAlive", allowed: [])
            body = .keepAlive
        case "chunk":
            try requireKind([.request, .response], "chunk")
            body = .chunk(try chunk(bodyJSON, code: code))
        default:
            throw WireJSONError(.unexpectedMember, path: bodyKey, "not a body kind (request, response, auth, bind, unbind, keepAlive, chunk)")
        }
        return AlwaysOnMessage(
            requestID: requestID,
            endpointID: endpointID,
            sessionID: sessionID,
            body: body,
            spelling: spelling.isCanonical ? nil : spelling
        )
    }

    // MARK: Bodies

    private func request(_ json: JSONValue, method: RequestMethod) throws(WireJSONError) -> RequestBody {
        let object = try self.object(json, "request", allowed: ["entityType", "entityName", "characteristic", "target", "headers", "params"])
        let typeJSON = try member(object, "entityType", "request")
        guard let typeName = typeJSON.stringValue, let entityType = EntityType(name: typeName) else {
            throw WireJSONError(.typeMismatch, path: "request.entityType", "expected an entity type name (THING, SUBSYSTEM, …) or 0x.. hex, got \(typeJSON.kindDescription)")
        }
        let characteristicJSON = try member(object, "characteristic", "request")
        guard let characteristicName = characteristicJSON.stringValue, let characteristic = Characteristic(name: characteristicName) else {
            throw WireJSONError(.typeMismatch, path: "request.characteristic", "expected PROPERTIES, SERVICES, EVENTS or 0x.. hex, got \(characteristicJSON.kindDescription)")
        }
        var headers: [RequestBody.Header] = []
        if let headersJSON = object["headers"] {
            guard case .array(let elements) = headersJSON else {
                throw WireJSONError(.typeMismatch, path: "request.headers", "expected an array, got \(headersJSON.kindDescription)")
            }
            for (index, element) in elements.enumerated() {
                let path = "request.headers[\(index)]"
                let pair = try self.object(element, path, allowed: ["name", "value"])
                headers.append(RequestBody.Header(name: try string(pair, "name", path), value: try string(pair, "value", path)))
            }
        }
        return RequestBody(
            method: method,
            entityType: entityType,
            entityName: try string(object, "entityName", "request"),
            characteristic: characteristic,
            target: try string(object, "target", "request"),
            headers: headers,
            parameters: try table(object["params"], "request.params")
        )
    }

    private func response(_ json: JSONValue, status: ResponseStatus) throws(WireJSONError) -> ResponseBody {
        let object = try self.object(json, "response", allowed: ["reason", "content"])
        var reason: String? = nil
        if let reasonJSON = object["reason"], reasonJSON != .null {
            reason = try string(object, "reason", "response")
        }
        return ResponseBody(status: status, reason: reason, content: try table(object["content"], "response.content"))
    }

    private func auth(_ json: JSONValue) throws(WireJSONError) -> AuthBody {
        let object = try self.object(json, "auth", allowed: ["claims"])
        let claimsJSON = try member(object, "claims", "auth")
        guard case .array(let elements) = claimsJSON else {
            throw WireJSONError(.typeMismatch, path: "auth.claims", "expected an array, got \(claimsJSON.kindDescription)")
        }
        var claims: [AuthBody.Claim] = []
        for (index, element) in elements.enumerated() {
            let path = "auth.claims[\(index)]"
            let pair = try self.object(element, path, allowed: ["name", "value"])
            claims.append(AuthBody.Claim(name: try string(pair, "name", path), value: try string(pair, "value", path)))
        }
        return AuthBody(claims: claims)
    }

    private func bind(_ json: JSONValue, _ path: String) throws(WireJSONError) -> BindBody {
        let object = try self.object(json, path, allowed: ["gateway", "names"])
        var gateway: BindBody.Gateway? = nil
        if let gatewayJSON = object["gateway"], gatewayJSON != .null {
            let gatewayPath = path + ".gateway"
            let pair = try self.object(gatewayJSON, gatewayPath, allowed: ["name", "type"])
            gateway = BindBody.Gateway(name: try string(pair, "name", gatewayPath), type: try string(pair, "type", gatewayPath))
        }
        let namesJSON = try member(object, "names", path)
        guard case .array(let elements) = namesJSON else {
            throw WireJSONError(.typeMismatch, path: path + ".names", "expected an array of names, got \(namesJSON.kindDescription)")
        }
        var names: [String] = []
        for (index, element) in elements.enumerated() {
            guard let name = element.stringValue else {
                throw WireJSONError(.typeMismatch, path: "\(path).names[\(index)]", "expected a string, got \(element.kindDescription)")
            }
            names.append(name)
        }
        return BindBody(gateway: gateway, names: names)
    }

    private func chunk(_ json: JSONValue, code: MessageCode) throws(WireJSONError) -> MultipartChunk {
        let object = try self.object(json, "chunk", allowed: ["number", "count", "chunkSize", "entity", "data"])
        let number = UInt16(try integer(object, "number", "chunk", range: 0...65535))
        let count = UInt16(try integer(object, "count", "chunk", range: 0...65535))
        let chunkSize = UInt16(try integer(object, "chunkSize", "chunk", range: 0...65535))
        var entity: MultipartChunk.Entity? = nil
        if let entityJSON = object["entity"], entityJSON != .null {
            let pair = try self.object(entityJSON, "chunk.entity", allowed: ["type", "name"])
            let typeJSON = try member(pair, "type", "chunk.entity")
            guard let typeName = typeJSON.stringValue, let type = EntityType(name: typeName) else {
                throw WireJSONError(.typeMismatch, path: "chunk.entity.type", "expected an entity type name or 0x.. hex, got \(typeJSON.kindDescription)")
            }
            entity = MultipartChunk.Entity(type: type, name: try string(pair, "name", "chunk.entity"))
        }
        guard (entity != nil) == (code.kind == .request) else {
            throw WireJSONError(.typeMismatch, path: "chunk.entity", "request chunks carry an entity and response chunks do not")
        }
        let dataText = try string(object, "data", "chunk")
        let data: [UInt8]
        do {
            data = try WireHex.decode(dataText)
        } catch {
            throw WireJSONError(.typeMismatch, path: "chunk.data", "expected hex bytes: \(error)")
        }
        return MultipartChunk(code: code, number: number, count: count, chunkSize: chunkSize, entity: entity, data: ByteBuffer(bytes: data))
    }

    private func spelling(_ json: JSONValue?) throws(WireJSONError) -> WireSpelling {
        var spelling = WireSpelling()
        guard let json, json != .null else { return spelling }
        let object = try self.object(json, "spelling", allowed: ["longFormStrings", "invalidUTF8Strings", "flagBytes", "trailingBytes"])
        if let list = object["longFormStrings"] {
            guard case .array(let elements) = list else {
                throw WireJSONError(.typeMismatch, path: "spelling.longFormStrings", "expected an array of string ordinals, got \(list.kindDescription)")
            }
            for element in elements {
                guard case .integer(let ordinal) = element, ordinal >= 0 else {
                    throw WireJSONError(.typeMismatch, path: "spelling.longFormStrings", "expected ordinals (whole numbers ≥ 0), got \(element.kindDescription)")
                }
                spelling.longFormStrings.append(Int(ordinal))
            }
            spelling.longFormStrings.sort()
        }
        if let strings = object["invalidUTF8Strings"] {
            let map = try self.object(strings, "spelling.invalidUTF8Strings", allowed: nil)
            for member in map {
                let path = "spelling.invalidUTF8Strings.\(member.key)"
                guard let ordinal = Int(member.key), ordinal >= 0, let text = member.value.stringValue,
                    let bytes = try? WireHex.decode(text)
                else {
                    throw WireJSONError(.typeMismatch, path: path, "expected ordinal → hex bytes")
                }
                spelling.invalidUTF8Strings[ordinal] = bytes
            }
        }
        if let flags = object["flagBytes"] {
            let map = try self.object(flags, "spelling.flagBytes", allowed: nil)
            for member in map {
                guard let ordinal = Int(member.key), ordinal >= 0, case .integer(let byte) = member.value, (0...255).contains(byte) else {
                    throw WireJSONError(.typeMismatch, path: "spelling.flagBytes.\(member.key)", "expected ordinal → byte (0...255)")
                }
                spelling.flagBytes[ordinal] = UInt8(byte)
            }
        }
        if let trailing = object["trailingBytes"] {
            guard let text = trailing.stringValue, let bytes = try? WireHex.decode(text) else {
                throw WireJSONError(.typeMismatch, path: "spelling.trailingBytes", "expected hex bytes, got \(trailing.kindDescription)")
            }
            spelling.trailingBytes = bytes
        }
        return spelling
    }

    // MARK: Members

    private func table(_ json: JSONValue?, _ path: String) throws(WireJSONError) -> InfoTable? {
        guard let json, json != .null else { return nil }
        return try coder.table(from: json, path: path, depth: 1)
    }

    private func object(_ json: JSONValue, _ path: String, allowed: Set<String>?) throws(WireJSONError) -> JSONObject {
        guard case .object(let object) = json else {
            throw WireJSONError(.typeMismatch, path: path, "expected an object, got \(json.kindDescription)")
        }
        if let allowed {
            for key in object.keys where !allowed.contains(key) {
                throw WireJSONError(
                    .unexpectedMember,
                    path: path.isEmpty ? key : "\(path).\(key)",
                    allowed.isEmpty ? "no members are allowed here" : "unknown member; expected one of \(allowed.sorted().joined(separator: ", "))"
                )
            }
        }
        return object
    }

    private func member(_ object: JSONObject, _ key: String, _ path: String) throws(WireJSONError) -> JSONValue {
        guard let value = object[key] else {
            throw WireJSONError(.missingMember, path: path.isEmpty ? key : "\(path).\(key)", "this member is required")
        }
        return value
    }

    private func string(_ object: JSONObject, _ key: String, _ path: String) throws(WireJSONError) -> String {
        let value = try member(object, key, path)
        guard let text = value.stringValue else {
            throw WireJSONError(.typeMismatch, path: "\(path).\(key)", "expected a string, got \(value.kindDescription)")
        }
        return text
    }

    private func integer(
        _ object: JSONObject,
        _ key: String,
        _ path: String,
        range: ClosedRange<Int64>,
        default defaultValue: Int64? = nil
    ) throws(WireJSONError) -> Int64 {
        guard let value = object[key] else {
            if let defaultValue { return defaultValue }
            throw WireJSONError(.missingMember, path: "\(path).\(key)", "this member is required")
        }
        guard case .integer(let integer) = value else {
            throw WireJSONError(.typeMismatch, path: "\(path).\(key)", "expected a whole number, got \(value.kindDescription)")
        }
        guard range.contains(integer) else {
            throw WireJSONError(.outOfRange, path: "\(path).\(key)", "\(integer) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return integer
    }
}
