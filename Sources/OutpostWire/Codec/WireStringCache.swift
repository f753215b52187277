/// Remembers recently decoded short strings so that a connection does not build the same `String`
/// again for every message.
///
/// Decoding a string costs more than everything else about a small value (validation, then building
/// the `String`), and the strings of one connection repeat: field names, property names, `GOOD`, the
/// thing's name. The cache is direct-mapped (256 slots, strings up to 32 bytes, valid UTF-8 only), so a
/// lookup is a hash and one comparison and its memory is fixed (about 14 KiB). Keep one per
/// connection; ``MultipartAssembler`` does. Nothing is allocated until the first string is cached.
public struct WireStringCache: Sendable {
    /// The bytes of a short string, zero-padded into four words, plus its length.
    private struct Key: Equatable, Sendable {
        var length: Int
        var w0: UInt64
        var w1: UInt64
        var w2: UInt64
        var w3: UInt64

        static let empty = Key(length: -1, w0: 0, w1: 0, w2: 0, w3: 0)
    }

    static let maxLength = 32
    private static let slotCount = 256

    private var keys: [Key]
    private var strings: [String]

    /// An empty cache; its storage is allocated on first use.
    public init() {
        keys = []
        strings = []
    }

    /// Moves the cache out (leaving a stand-in that allocates nothing), so the decoder holds the only
    /// reference and its inserts never copy the storage.
    mutating func lend() -> WireStringCache {
        var taken = WireStringCache()
        swap(&taken, &self)
        return taken
    }

    /// Up to eight bytes from `offset` as a little-endian word, zero-padded past the end.
    @inline(__always)
    private static func word(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
        let count = bytes.count
        if offset &+ 8 <= count {
            return bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        }
        var value: UInt64 = 0
        var index = offset
        while index < count {
            value |= UInt64(bytes[index]) << (8 &* UInt64(index &- offset))
            index &+= 1
        }
        return value
    }

    /// The string for these bytes (at most ``maxLength``), from the cache or built by `make`, which
    /// returns `nil` for bytes that must not be cached (invalid UTF-8).
    @inline(__always)
    mutating func string(
        for bytes: UnsafeRawBufferPointer,
        make: (UnsafeRawBufferPointer) -> String?
    ) -> String? {
        let key = Key(
            length: bytes.count,
            w0: Self.word(bytes, at: 0),
            w1: Self.word(bytes, at: 8),
            w2: Self.word(bytes, at: 16),
            w3: Self.word(bytes, at: 24)
        )
        var hash = key.w0 &* 0x9E37_79B9_7F4A_7C15
        hash ^= key.w1 &* 0xC2B2_AE3D_27D4_EB4F
        hash ^= (key.w2 ^ key.w3 ^ UInt64(bitPattern: Int64(key.length))) &* 0x1656_67B1_9E37_79F9
        let slot = Int(truncatingIfNeeded: hash >> 56)
        if keys.isEmpty {
            keys = Array(repeating: .empty, count: Self.slotCount)
            strings = Array(repeating: "", count: Self.slotCount)
        } else if keys[slot] == key {
            return strings[slot]
        }
        guard let made = make(bytes) else { return nil }
        keys[slot] = key
        strings[slot] = made
        return made
    }
}
