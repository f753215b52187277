import NIOCore

/// Where the encoder puts bytes: ``RawSink`` stores into memory reserved in the `ByteBuffer`, which
/// replaces a hundred small bounds-, uniqueness- and exclusivity-checked `ByteBuffer` writes per message
/// with plain stores.
protocol WireSink: ~Copyable {
    mutating func byte(_ value: UInt8)
    mutating func uint16(_ value: UInt16)
    mutating func uint32(_ value: UInt32)
    mutating func uint64(_ value: UInt64)
    /// The UTF-8 bytes of `text`, whose length the caller has already measured as `count`.
    mutating func utf8(_ text: String, count: Int)
    mutating func bytes(_ bytes: UnsafeRawBufferPointer)
    /// `count` (at most 15) bytes held in two little-endian words (see ``SmallASCIIString``).
    mutating func smallString(low: UInt64, high: UInt64, count: Int)
}

extension WireSink where Self: ~Copyable {
    mutating func bytes(_ array: [UInt8]) {
        array.withUnsafeBytes { bytes($0) }
    }

    mutating func buffer(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { bytes($0) }
    }
}

/// Stores big-endian values into reserved memory. When the memory runs out it keeps counting without
/// storing, so the caller learns the exact size and can try once more with enough room.
struct RawSink: WireSink {
    private let base: UnsafeMutableRawPointer
    private let limit: Int
    /// Bytes written, or that would have been written.
    private(set) var offset = 0

    init(_ memory: UnsafeMutableRawBufferPointer) {
        self.base = memory.baseAddress!
        self.limit = memory.count
    }

    /// True when the message did not fit: nothing past `limit` was stored.
    var overflowed: Bool { offset > limit }

    /// Where `count` bytes go, or `nil` once the memory is exhausted.
    @inline(__always)
    private mutating func reserve(_ count: Int) -> Int? {
        let start = offset
        offset = start &+ count
        return offset <= limit ? start : nil
    }

    @inline(__always) mutating func byte(_ value: UInt8) {
        guard let start = reserve(1) else { return }
        base.storeBytes(of: value, toByteOffset: start, as: UInt8.self)
    }

    @inline(__always) mutating func uint16(_ value: UInt16) {
        guard let start = reserve(2) else { return }
        base.storeBytes(of: value.bigEndian, toByteOffset: start, as: UInt16.self)
    }

    @inline(__always) mutating func uint32(_ value: UInt32) {
        guard let start = reserve(4) else { return }
        base.storeBytes(of: value.bigEndian, toByteOffset: start, as: UInt32.self)
    }

    @inline(__always) mutating func uint64(_ value: UInt64) {
        guard let start = reserve(8) else { return }
        base.storeBytes(of: value.bigEndian, toByteOffset: start, as: UInt64.self)
    }

    @inline(__always) mutating func utf8(_ text: String, count: Int) {
        guard let start = reserve(count), count > 0 else { return }
        let destination = base + start
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { source in
            precondition(source.count == count)
            if count <= 16 {
                // Names and short values: a byte loop beats a call to memcpy.
                for index in 0..<count {
                    destination.storeBytes(of: source[index], toByteOffset: index, as: UInt8.self)
                }
            } else {
                destination.copyMemory(from: source.baseAddress!, byteCount: count)
            }
        }
        if copied == nil {
            var index = 0
            for unit in text.utf8 {
                precondition(index < count)
                destination.storeBytes(of: unit, toByteOffset: index, as: UInt8.self)
                index += 1
            }
            precondition(index == count)
        }
    }

    @inline(__always) mutating func smallString(low: UInt64, high: UInt64, count: Int) {
        guard let start = reserve(count) else { return }
        if start &+ 16 <= limit {
            // Two stores; the bytes past `count` are overwritten by whatever comes next or lie beyond
            // the end the caller commits.
            base.storeBytes(of: low.littleEndian, toByteOffset: start, as: UInt64.self)
            base.storeBytes(of: high.littleEndian, toByteOffset: start &+ 8, as: UInt64.self)
            return
        }
        for index in 0..<count {
            let word = index < 8 ? low : high
            base.storeBytes(of: UInt8(truncatingIfNeeded: word &>> (UInt64(index & 7) &* 8)), toByteOffset: start &+ index, as: UInt8.self)
        }
    }

    @inline(__always) mutating func bytes(_ bytes: UnsafeRawBufferPointer) {
        guard let start = reserve(bytes.count), let source = bytes.baseAddress else { return }
        (base + start).copyMemory(from: source, byteCount: bytes.count)
    }
}

/// A value the encoder can write through either sink.
protocol WireEncodable {
    func write<Sink: WireSink>(into writer: inout WireWriter<Sink>) throws(WireError)
}

extension ByteBuffer {
    /// Encodes `value` straight into the buffer's spare room (grown first to `sizeHint` bytes) and
    /// appends it. If it does not fit, the first attempt has measured the exact size and a second one
    /// writes into that much room. On error nothing is appended.
    mutating func writeWire(_ value: some WireEncodable, spelling: WireSpelling?, sizeHint: Int = 512) throws(WireError) {
        var room = Swift.max(sizeHint, 64)
        while true {
            var failure: WireError? = nil
            var needed = 0
            writeWithUnsafeMutableBytes(minimumWritableBytes: room) { memory in
                var writer = WireWriter(sink: RawSink(memory), spelling: spelling)
                do throws(WireError) {
                    try value.write(into: &writer)
                } catch {
                    failure = error
                    return 0
                }
                if writer.sink.overflowed {
                    needed = writer.sink.offset
                    return 0
                }
                return writer.sink.offset
            }
            if let failure { throw failure }
            if needed == 0 { return }
            room = needed
        }
    }
}
