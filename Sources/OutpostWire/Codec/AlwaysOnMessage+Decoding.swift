public import NIOCore

extension AlwaysOnMessage {
    /// Decodes one message from all readable bytes of `buffer` (one WebSocket message) without moving
    /// its reader index. Bytes after the body are kept in ``WireSpelling/trailingBytes``; error offsets
    /// count from the reader index.
    public init(decoding buffer: ByteBuffer, limits: WireLimits = .default) throws(WireError) {
        var noCache: WireStringCache? = nil
        try self.init(decoding: buffer, limits: limits, cache: &noCache)
    }

    /// Decodes as ``init(decoding:limits:)-(ByteBuffer,_)``, reusing strings this connection has
    /// decoded before (see ``WireStringCache``). Keep one cache per connection.
    public init(decoding buffer: ByteBuffer, limits: WireLimits = .default, strings: inout WireStringCache) throws(WireError) {
        var lent: WireStringCache? = strings.lend()
        defer { strings = lent.take()! }
        try self.init(decoding: buffer, limits: limits, cache: &lent)
    }

    private init(decoding buffer: ByteBuffer, limits: WireLimits, cache: inout WireStringCache?) throws(WireError) {
        // Outcome variables rather than a returned `Result`, and the message built in place: each copy
        // of a decoded message retains and later releases everything in it.
        var decoded: AlwaysOnMessage? = nil
        var chunkDataOffset: Int? = nil
        var failure: WireError? = nil
        buffer.withUnsafeReadableBytes { bytes in
            do throws(WireError) {
                chunkDataOffset = try AlwaysOnMessage.parse(bytes, limits: limits, cache: &cache, into: &decoded)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        var message = decoded.take()!
        if let chunkDataOffset, case .chunk(var chunk) = message.body {
            chunk.data = buffer.getSlice(
                at: buffer.readerIndex + chunkDataOffset,
                length: buffer.readableBytes - chunkDataOffset
            )!
            message.body = .chunk(chunk)
        }
        self = message
    }

    /// Decodes one message from all readable bytes of `buffer` and consumes them. On error the reader
    /// index does not move.
    public static func decode(from buffer: inout ByteBuffer, limits: WireLimits = .default) throws(WireError) -> AlwaysOnMessage {
        let message = try AlwaysOnMessage(decoding: buffer, limits: limits)
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        return message
    }

    /// Decodes one message from a byte array (tests, tools).
    public init(decoding bytes: [UInt8], limits: WireLimits = .default) throws(WireError) {
        try self.init(decoding: ByteBuffer(bytes: bytes), limits: limits)
    }

    /// Decodes the message into `result` and returns, for a chunk, the offset where its data starts
    /// (the data is sliced from the `ByteBuffer` by the caller, so chunks share the input's storage).
    private static func parse(
        _ bytes: UnsafeRawBufferPointer,
        limits: WireLimits,
        cache: inout WireStringCache?,
        into result: inout AlwaysOnMessage?
    ) throws(WireError) -> Int? {
        guard bytes.count <= limits.maxMessageSize else {
            throw WireError(
                .messageTooLarge,
                at: 0,
                "the message is \(bytes.count) bytes; the limit is \(limits.maxMessageSize)"
            )
        }
        var reader = WireReader(bytes: bytes, limits: limits, cache: cache.take())
        defer { cache = reader.cache.take() }
        let version = try reader.byte("header version")
        let code = MessageCode(rawValue: try reader.byte("header code"))
        let requestID = try reader.uint32("header request id")
        let endpointID = try reader.uint32("header endpoint id")
        let sessionID = try reader.uint32("header Session ID")
        let multipartFlag = try reader.byte("header multipart flag")
        if version != 1 { reader.spelling.version = version }

        if code.kind == .undefined {
            throw WireError(
                .unknownMessageCode,
                at: 1,
                "\(hexByte(code.rawValue)) is not a message code (requests 0x01–0x04, BIND 0x0A, UNBIND 0x0B, AUTH 0x14, KEEP_ALIVE 0x1F, responses 0x40 and up)"
            )
        }

        let body: MessageBody
        var chunkDataOffset: Int? = nil
        if multipartFlag != 0 {
            guard code.kind == .request || code.kind == .response else {
                throw WireError(.invalidChunk, at: 14, "\(code.name) messages cannot be multipart")
            }
            if multipartFlag != 1 { reader.spelling.multipartFlag = multipartFlag }
            let fields = try reader.chunkFields(code)
            chunkDataOffset = reader.position
            body = .chunk(
                MultipartChunk(
                    code: code,
                    number: fields.number,
                    count: fields.count,
                    chunkSize: fields.size,
                    entity: fields.entity,
                    data: ByteBuffer()
                )
            )
        } else {
            switch code.kind {
            case .request: body = .request(try reader.requestBody(RequestMethod(rawValue: code.rawValue)!))
            case .response: body = .response(try reader.responseBody(ResponseStatus(rawValue: code.rawValue)!))
            case .auth: body = .auth(try reader.authBody())
            case .bind: body = .bind(try reader.bindBody())
            case .unbind: body = .unbind(try reader.bindBody())
            case .keepAlive, .undefined: body = .keepAlive
            }
            if !reader.isAtEnd {
                reader.spelling.trailingBytes = reader.rest()
            }
        }
        let spelling = reader.spelling.isCanonical ? nil : reader.spelling
        result = AlwaysOnMessage(
            requestID: requestID,
            endpointID: endpointID,
            sessionID: sessionID,
            body: body,
            spelling: spelling
        )
        return chunkDataOffset
    }
}
