public import NIOCore

/// One chunk of a multipart message (`alwayson.md` §1.7, §3.5), as carried by a WebSocket message whose
/// header has a non-zero multipart flag. Use ``MultipartSplitter`` and ``MultipartAssembler`` rather than
/// building chunks by hand.
public struct MultipartChunk: Sendable, Hashable {
    /// The entity type and name that every chunk of a request repeats after the chunk header.
    public struct Entity: Sendable, Hashable {
        public var type: EntityType
        public var name: String

        public init(type: EntityType, name: String) {
            self.type = type
            self.name = name
        }
    }

    /// The code of the whole message: a request method or a response status.
    public var code: MessageCode
    /// 1-based.
    public var number: UInt16
    public var count: UInt16
    /// The sender's configured chunk size (8192 by default), not this chunk's length.
    public var chunkSize: UInt16
    /// Present exactly when ``code`` is a request method.
    public var entity: Entity?
    /// This chunk's slice of the message body (after the entity, for requests).
    public var data: ByteBuffer

    public init(
        code: MessageCode,
        number: UInt16,
        count: UInt16,
        chunkSize: UInt16,
        entity: Entity?,
        data: ByteBuffer
    ) {
        self.code = code
        self.number = number
        self.count = count
        self.chunkSize = chunkSize
        self.entity = entity
        self.data = data
    }
}
