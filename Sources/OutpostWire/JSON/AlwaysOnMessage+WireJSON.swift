import NIOCore

extension AlwaysOnMessage {
    /// The message as lossless JSON, the form `outpost wire decode` prints and `outpost wire encode`
    /// reads: `header` (fields by name), one body member named after the message kind (`request`,
    /// `response`, `auth`, `bind`, `unbind`, `keepAlive`, `chunk`) and, only for non-canonical input,
    /// `spelling`. InfoTables appear as rows plus dataShape; see `docs/wire.md` for the details that keep
    /// `decode | encode` byte-exact.
    public func wireJSON() -> JSONValue {
        let coder = InfoTableJSONCoder(mode: .exact, maxDepth: WireLimits.hardMaximumNestingDepth)
        let header = self.header
        var object = JSONObject()
        object.append(
            "header",
            [
                "version": .integer(Int64(header.version)),
                "code": .string(header.code.name),
                "requestId": .integer(Int64(requestID)),
                "endpointId": .integer(Int64(endpointID)),
                "sessionId": .integer(Int64(sessionID)),
                "multipart": .integer(Int64(header.multipartFlag)),
            ]
        )
        func table(_ table: InfoTable?) -> JSONValue {
            table.map { coder.json($0) } ?? .null
        }
        switch body {
        case .request(let request):
            object.append(
                "request",
                [
                    "entityType": .string(request.entityType.name),
                    "entityName": .string(request.entityName),
                    "characteristic": .string(request.characteristic.name),
                    "target": .string(request.target),
                    "headers": .array(request.headers.map { ["name": .string($0.name), "value": .string($0.value)] }),
                    "params": table(request.parameters),
                ]
            )
        case .response(let response):
            object.append(
                "response",
                ["reason": response.reason.map { .string($0) } ?? .null, "content": table(response.content)]
            )
        case .auth(let auth):
            object.append(
                "auth",
                ["claims": .array(auth.claims.map { ["name": .string($0.name), "value": .string($0.value)] })]
            )
        case .bind(let bind):
            object.append("bind", Self.bindJSON(bind))
        case .unbind(let bind):
            object.append("unbind", Self.bindJSON(bind))
        case .keepAlive:
            object.append("keepAlive", .object(JSONObject()))
        case .chunk(let chunk):
            var entity: JSONValue = .null
            if let chunkEntity = chunk.entity {
                entity = ["type": .string(chunkEntity.type.name), "name": .string(chunkEntity.name)]
            }
            object.append(
                "chunk",
                [
                    "number": .integer(Int64(chunk.number)),
                    "count": .integer(Int64(chunk.count)),
                    "chunkSize": .integer(Int64(chunk.chunkSize)),
                    "entity": entity,
                    "data": .string(WireHex.encode(Array(chunk.data.readableBytesView))),
                ]
            )
        }
        if let spelling, let spellingJSON = Self.spellingJSON(spelling) {
            object.append("spelling", spellingJSON)
        }
        return .object(object)
    }

    private static func bindJSON(_ bind: BindBody) -> JSONValue {
        var gateway: JSONValue = .null
        if let bindGateway = bind.gateway {
            gateway = ["name": .string(bindGateway.name), "type": .string(bindGateway.type)]
        }
        return ["gateway": gateway, "names": .array(bind.names.map { .string($0) })]
    }

    /// The parts of a spelling that the header does not already show; `nil` when there are none.
    private static func spellingJSON(_ spelling: WireSpelling) -> JSONValue? {
        var object = JSONObject()
        if !spelling.longFormStrings.isEmpty {
            object.append("longFormStrings", .array(spelling.longFormStrings.map { .integer(Int64($0)) }))
        }
        if !spelling.invalidUTF8Strings.isEmpty {
            var strings = JSONObject()
            for (ordinal, bytes) in spelling.invalidUTF8Strings.sorted(by: { $0.key < $1.key }) {
                strings.append(String(ordinal), .string(WireHex.encode(bytes)))
            }
            object.append("invalidUTF8Strings", .object(strings))
        }
        if !spelling.flagBytes.isEmpty {
            var flags = JSONObject()
            for (ordinal, byte) in spelling.flagBytes.sorted(by: { $0.key < $1.key }) {
                flags.append(String(ordinal), .integer(Int64(byte)))
            }
            object.append("flagBytes", .object(flags))
        }
        if !spelling.trailingBytes.isEmpty {
            object.append("trailingBytes", .string(WireHex.encode(spelling.trailingBytes)))
        }
        return object.isEmpty ? nil : .object(object)
    }
}
