public import NIOCore

/// Turns received WebSocket messages back into complete AlwaysOn messages (`alwayson.md` §1.7).
///
/// Feed every received binary WebSocket message to ``receive(_:at:)``: single messages come straight
/// back, chunks are held until their set is complete. Chunks may arrive in any order; an identical
/// duplicate is ignored. Sets are keyed by request id and direction (request or response), as in the C
/// SDK. Timing is the caller's: list ``partialMessages`` and call ``discardPartialMessages(startedBefore:)``
/// (the C SDK drops sets 50 s after their first chunk).
///
/// It also tolerates the C SDK's sender quirks (§8 item 3): an empty final chunk, a near-8 KiB request
/// sent as two unmarked messages (the head fails to parse as truncated, the tail is a header plus the rest
/// of the body), and a bare 15-byte header after a message whose body was exactly one chunk's worth.
///
/// Memory is bounded: a set whose `count × chunkSize` exceeds `limits.maxMessageSize` is refused at its
/// first chunk, a chunk longer than its declared chunk size is refused, and at most
/// ``maxPartialMessages`` sets are open at once. A set that fails is dropped.
public struct MultipartAssembler: Sendable {
    /// A message still waiting for chunks.
    public struct PartialMessage: Sendable, Hashable {
        public let requestID: UInt32
        public let code: MessageCode
        /// When its first chunk arrived: compare with the caller's timeout.
        public let startedAt: NIODeadline
        public fileprivate(set) var receivedChunks: Int
        public let chunkCount: Int
        public fileprivate(set) var receivedBytes: Int
    }

    private struct Key: Hashable {
        var requestID: UInt32
        var isResponse: Bool
    }

    private struct PendingSet {
        var summary: PartialMessage
        var chunkSize: UInt16
        var endpointID: UInt32
        var sessionID: UInt32
        var entity: MultipartChunk.Entity?
        var chunks: [UInt16: ByteBuffer]
    }

    /// The head of a request the C SDK split into two unmarked WebSocket messages.
    private struct UnmarkedHead {
        var summary: PartialMessage
        var bytes: ByteBuffer
    }

    public let limits: WireLimits
    public let maxPartialMessages: Int
    /// The peer's chunk size, used only to recognise the unmarked two-message split.
    public let chunkSize: Int

    private var sets: [Key: PendingSet] = [:]
    /// Strings this connection has sent before; most names and values repeat.
    private var strings = WireStringCache()
    private var unmarkedHead: UnmarkedHead?
    private var lastSingle: (requestID: UInt32, code: MessageCode)?

    /// `maxPartialMessages` is at least 1.
    public init(limits: WireLimits = .default, maxPartialMessages: Int = 16, chunkSize: Int = 8192) {
        self.limits = limits
        self.maxPartialMessages = max(1, maxPartialMessages)
        self.chunkSize = chunkSize
    }

    /// Messages still missing chunks, oldest first.
    public var partialMessages: [PartialMessage] {
        var all = sets.values.map(\.summary)
        if let unmarkedHead { all.append(unmarkedHead.summary) }
        return all.sorted { $0.startedAt < $1.startedAt }
    }

    /// Drops every partial message whose first chunk arrived before `deadline` and returns them.
    @discardableResult
    public mutating func discardPartialMessages(startedBefore deadline: NIODeadline) -> [PartialMessage] {
        var dropped: [PartialMessage] = []
        for (key, set) in sets where set.summary.startedAt < deadline {
            dropped.append(set.summary)
            sets[key] = nil
        }
        if let head = unmarkedHead, head.summary.startedAt < deadline {
            dropped.append(head.summary)
            unmarkedHead = nil
        }
        return dropped
    }

    /// Feeds one received WebSocket message; returns a complete message, or `nil` while chunks are
    /// missing (or when the frame was a tolerated quirk carrying nothing new).
    public mutating func receive(_ frame: ByteBuffer, at now: NIODeadline = .now()) throws(WireError) -> AlwaysOnMessage? {
        let header = try MessageHeader(peekingAt: frame)
        if header.isMultipart {
            let chunk = try AlwaysOnMessage(decoding: frame, limits: limits, strings: &strings)
            return try receive(chunk: chunk, at: now)
        }
        if let head = unmarkedHead, head.summary.requestID == header.requestID, head.summary.code == header.code {
            unmarkedHead = nil
            var joined = head.bytes
            joined.writeImmutableBuffer(frame.getSlice(at: frame.readerIndex + MessageHeader.size, length: frame.readableBytes - MessageHeader.size)!)
            let message = try AlwaysOnMessage(decoding: joined, limits: limits, strings: &strings)
            lastSingle = (header.requestID, header.code)
            return message
        }
        if frame.readableBytes == MessageHeader.size, let last = lastSingle,
            last.requestID == header.requestID, last.code == header.code
        {
            lastSingle = nil
            return nil
        }
        do throws(WireError) {
            let message = try AlwaysOnMessage(decoding: frame, limits: limits, strings: &strings)
            lastSingle = (header.requestID, header.code)
            return message
        } catch let error where isUnmarkedHead(frame, header: header, error: error) {
            unmarkedHead = UnmarkedHead(
                summary: PartialMessage(
                    requestID: header.requestID,
                    code: header.code,
                    startedAt: now,
                    receivedChunks: 1,
                    chunkCount: 2,
                    receivedBytes: frame.readableBytes
                ),
                bytes: frame
            )
            return nil
        }
    }

    /// The SDK's unmarked split (§1.7): a request whose head fills nearly a whole chunk and ends early.
    private func isUnmarkedHead(_ frame: ByteBuffer, header: MessageHeader, error: WireError) -> Bool {
        guard header.code.kind == .request, error.code == .truncated || error.code == .lengthExceedsMessage else {
            return false
        }
        // Head = 15 + chunkSize − 21 − (2 + name) [− 4 with deflate], names < 128 bytes.
        let shortest = chunkSize - 6 - 2 - 127 - 4
        return frame.readableBytes >= shortest && frame.readableBytes <= chunkSize
    }

    /// Feeds one decoded chunk (``MessageBody/chunk(_:)``); returns the complete message when this was the
    /// last one missing.
    public mutating func receive(chunk message: AlwaysOnMessage, at now: NIODeadline = .now()) throws(WireError) -> AlwaysOnMessage? {
        guard case .chunk(let chunk) = message.body else {
            return message
        }
        let key = Key(requestID: message.requestID, isResponse: chunk.code.kind == .response)
        let chunkLength = MessageHeader.size + 6 + Self.entityLength(chunk.entity) + chunk.data.readableBytes
        guard chunkLength <= Int(chunk.chunkSize) else {
            sets[key] = nil
            throw WireError(
                .inconsistentChunk,
                at: 19,
                "chunk \(chunk.number) is \(chunkLength) bytes but declares a chunk size of \(chunk.chunkSize)"
            )
        }
        var set: PendingSet
        if let existing = sets[key] {
            set = existing
            guard set.summary.chunkCount == Int(chunk.count), set.chunkSize == chunk.chunkSize,
                set.summary.code == chunk.code
            else {
                sets[key] = nil
                throw WireError(
                    .inconsistentChunk,
                    at: 15,
                    "chunk \(chunk.number) of request id \(message.requestID) says \(chunk.code.name) \(chunk.count)×\(chunk.chunkSize), earlier chunks said \(set.summary.code.name) \(set.summary.chunkCount)×\(set.chunkSize)"
                )
            }
            if let earlier = set.chunks[chunk.number] {
                guard earlier == chunk.data else {
                    sets[key] = nil
                    throw WireError(.inconsistentChunk, at: 15, "chunk \(chunk.number) arrived twice with different data")
                }
                return nil
            }
        } else {
            let declaredTotal = Int(chunk.count) * Int(chunk.chunkSize)
            guard declaredTotal <= limits.maxMessageSize else {
                throw WireError(
                    .messageTooLarge,
                    at: 17,
                    "\(chunk.count) chunks of \(chunk.chunkSize) bytes exceed the \(limits.maxMessageSize)-byte message limit"
                )
            }
            guard sets.count < maxPartialMessages else {
                throw WireError(
                    .tooManyPartialMessages,
                    at: 2,
                    "\(sets.count) multipart messages are already incomplete; the limit is \(maxPartialMessages)"
                )
            }
            set = PendingSet(
                summary: PartialMessage(
                    requestID: message.requestID,
                    code: chunk.code,
                    startedAt: now,
                    receivedChunks: 0,
                    chunkCount: Int(chunk.count),
                    receivedBytes: 0
                ),
                chunkSize: chunk.chunkSize,
                endpointID: message.endpointID,
                sessionID: message.sessionID,
                entity: nil,
                chunks: [:]
            )
        }
        set.chunks[chunk.number] = chunk.data
        set.summary.receivedChunks += 1
        set.summary.receivedBytes += chunk.data.readableBytes
        if chunk.number == 1 {
            set.entity = chunk.entity
        }
        guard set.summary.receivedChunks == set.summary.chunkCount else {
            sets[key] = set
            return nil
        }
        sets[key] = nil
        return try assemble(set)
    }

    /// Header + (request: entity from chunk 1) + data 1…N, decoded as one message.
    private mutating func assemble(_ set: PendingSet) throws(WireError) -> AlwaysOnMessage {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(MessageHeader.size + Self.entityLength(set.entity) + set.summary.receivedBytes)
        MessageHeader(
            code: set.summary.code,
            requestID: set.summary.requestID,
            endpointID: set.endpointID,
            sessionID: set.sessionID
        ).encode(into: &buffer)
        if let entity = set.entity {
            try buffer.writeWire(entity, spelling: nil, sizeHint: 64)
        }
        for number in 1...UInt16(set.summary.chunkCount) {
            buffer.writeImmutableBuffer(set.chunks[number]!)
        }
        return try AlwaysOnMessage(decoding: buffer, limits: limits, strings: &strings)
    }

    private static func entityLength(_ entity: MultipartChunk.Entity?) -> Int {
        guard let entity else { return 0 }
        let count = entity.name.utf8.count
        return 1 + (count < 0x80 ? 1 : 4) + count
    }
}
