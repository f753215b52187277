public import NIOCore

/// Turns one outgoing message into the WebSocket messages that carry it (`alwayson.md` §1.7).
///
/// A message whose body `L` satisfies `L + 21 > chunkSize` is sent as chunks, laid out exactly as the
/// C SDK lays them out (chunk 1 starts with the body, so it holds the entity; later request chunks repeat
/// entity type and name after the chunk header; every chunk repeats the 15-byte header). Unlike the SDK
/// it never sends an empty final chunk and never splits a message without marking it multipart.
public struct MultipartSplitter: Sendable, Hashable {
    /// Largest WebSocket message to produce, headers included. Must match the peer's setting (8192).
    public let chunkSize: Int
    /// Largest message to send at all (the C SDK refuses bodies with `L + 21 > 1 MiB`).
    public let maxMessageSize: Int

    /// `chunkSize` is clamped to 64...65535 (it is a u16 on the wire) and `maxMessageSize` to at least
    /// `chunkSize`, since both usually come from configuration.
    public init(chunkSize: Int = 8192, maxMessageSize: Int = 1 << 20) {
        self.chunkSize = min(max(chunkSize, 64), Int(UInt16.max))
        self.maxMessageSize = max(maxMessageSize, self.chunkSize)
    }

    private static let chunkHeaderSize = MessageHeader.size + 6

    /// Encodes `message` into one WebSocket message if it fits, otherwise into its chunks in order.
    ///
    /// Throws `notEncodable` for a chunk (already split), for AUTH, BIND, UNBIND or KEEP_ALIVE messages
    /// that do not fit (the protocol cannot chunk them: send several BINDs instead), and for an entity
    /// name too long to leave room for data; `messageTooLarge` above ``maxMessageSize``.
    public func split(
        _ message: AlwaysOnMessage,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws(WireError) -> [ByteBuffer] {
        let isRequest: Bool
        let isChunkable: Bool
        switch message.body {
        case .chunk:
            throw WireError(.notEncodable, at: nil, "the message is already a chunk")
        case .request:
            (isRequest, isChunkable) = (true, true)
        case .response:
            (isRequest, isChunkable) = (false, true)
        case .auth, .bind, .unbind, .keepAlive:
            (isRequest, isChunkable) = (false, false)
        }
        let whole = try message.encoded(allocator: allocator)
        let bodyLength = whole.readableBytes - MessageHeader.size
        if bodyLength + Self.chunkHeaderSize <= chunkSize {
            return [whole]
        }
        guard isChunkable else {
            throw WireError(
                .notEncodable,
                at: nil,
                "a \(message.body.code.name) message of \(whole.readableBytes) bytes exceeds the \(chunkSize)-byte chunk size and cannot be multipart"
            )
        }
        guard bodyLength + Self.chunkHeaderSize <= maxMessageSize else {
            throw WireError(
                .messageTooLarge,
                at: nil,
                "a body of \(bodyLength) bytes exceeds the \(maxMessageSize)-byte message limit"
            )
        }
        let entityLength = isRequest ? Self.entityLength(in: whole) : 0
        let dataPerChunk = chunkSize - Self.chunkHeaderSize - entityLength
        guard dataPerChunk > 0 else {
            throw WireError(
                .notEncodable,
                at: nil,
                "the entity name leaves no room for data in a \(chunkSize)-byte chunk"
            )
        }
        let count = (bodyLength + dataPerChunk - 1) / dataPerChunk
        guard count <= Int(UInt16.max) else {
            throw WireError(.messageTooLarge, at: nil, "\(count) chunks exceed the 65535 the chunk count can hold")
        }
        let body = whole.getSlice(at: whole.readerIndex + MessageHeader.size, length: bodyLength)!
        let headerPrefix = whole.getSlice(at: whole.readerIndex, length: MessageHeader.size - 1)!
        let entity = body.getSlice(at: body.readerIndex, length: entityLength)!
        var frames: [ByteBuffer] = []
        frames.reserveCapacity(count)
        for number in 1...count {
            let start = (number - 1) * dataPerChunk
            let length = min(dataPerChunk, bodyLength - start)
            var frame = allocator.buffer(capacity: Self.chunkHeaderSize + entityLength + length)
            frame.writeImmutableBuffer(headerPrefix)
            frame.writeMultipleIntegers(UInt8(1), UInt16(number), UInt16(count), UInt16(chunkSize))
            if isRequest && number > 1 {
                frame.writeImmutableBuffer(entity)
            }
            frame.writeImmutableBuffer(body.getSlice(at: body.readerIndex + start, length: length)!)
            frames.append(frame)
        }
        return frames
    }

    /// Entity type byte plus the encoded entity name at the start of a request body, as actually encoded
    /// (so a 4-byte length form is counted correctly, unlike the SDK's `2 + strlen`).
    private static func entityLength(in message: ByteBuffer) -> Int {
        let prefixOffset = message.readerIndex + MessageHeader.size + 1
        let first = message.getInteger(at: prefixOffset, as: UInt8.self)!
        if first < 0x80 { return 2 + Int(first) }
        let length = message.getInteger(at: prefixOffset, as: UInt32.self)! & 0x7FFF_FFFF
        return 5 + Int(length)
    }
}
