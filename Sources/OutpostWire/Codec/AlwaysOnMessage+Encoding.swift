public import NIOCore

extension AlwaysOnMessage {
    /// Appends the message: header, body and, if ``spelling`` recorded any, the trailing bytes. On error
    /// nothing is appended.
    ///
    /// Fails only for values the format cannot carry: more than 255 claims or headers, more than 65535
    /// aspects, row values or bind names, a text value with a non-text base type, and the like.
    public func encode(into buffer: inout ByteBuffer) throws(WireError) {
        try buffer.writeWire(self, spelling: spelling)
    }

    /// The message in a new buffer.
    public func encoded(allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(WireError) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 512)
        try encode(into: &buffer)
        return buffer
    }

    /// The message as a byte array (tests, tools).
    public func encodedBytes() throws(WireError) -> [UInt8] {
        let buffer = try encoded()
        return Array(buffer.readableBytesView)
    }
}
