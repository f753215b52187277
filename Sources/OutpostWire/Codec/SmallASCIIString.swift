/// Builds short ASCII strings straight in the standard library's small-string form.
///
/// Nearly every string of a property push is short ASCII (`Temp1`, `GOOD`, field names), and building
/// each through `String(decoding:as:)` costs about 150 instructions (an ASCII scan, a repair check and
/// a byte-by-byte copy) of the roughly 800 a whole row takes to decode. On 64-bit platforms a String
/// of up to 15 UTF-8 bytes is stored inline in its two words: the bytes in order, then a discriminator
/// byte holding "immortal, small, ASCII" and the count. This type composes those two words directly.
///
/// It relies on that layout only after checking it: ``isAvailable`` compares, once per process, the
/// words of ordinary strings of every length from 1 to 15 with what ``compose`` makes for the same
/// bytes. If any differ (another platform or a future runtime), every string is built the ordinary way.
enum SmallASCIIString {
    /// Longest string held inline.
    static let maxCount = 15

    /// Whether composed strings are bit-for-bit what the runtime itself makes, on this platform.
    static let isAvailable: Bool = {
        guard MemoryLayout<String>.size == 16, MemoryLayout<String>.alignment == 8 else { return false }
        let sample = Array("AZaz09 ~!-_.:/\u{7F}\u{1}".utf8)
        for count in 1...maxCount {
            var ordinary = String(decoding: sample[0..<count], as: UTF8.self)
            ordinary.makeContiguousUTF8()
            let expected = unsafeBitCast(ordinary, to: (UInt64, UInt64).self)
            let (low, high) = sample.withUnsafeBytes { words(of: $0, count: count) }
            let composed = compose(low: low, high: high, count: count)
            guard unsafeBitCast(composed, to: (UInt64, UInt64).self) == expected, composed == ordinary else {
                return false
            }
        }
        return true
    }()

    /// The first `count` (at most 15) bytes of `bytes` as two little-endian words, zero-padded.
    @inline(__always)
    static func words(of bytes: UnsafeRawBufferPointer, count: Int) -> (UInt64, UInt64) {
        precondition(count <= maxCount && count <= bytes.count)
        if bytes.count >= 16 {
            // Two loads, then the bytes past `count` are masked off.
            var low = bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
            var high = bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            if count < 8 {
                low &= (1 &<< (UInt64(count) &* 8)) &- 1
                high = 0
            } else {
                high &= (1 &<< (UInt64(count &- 8) &* 8)) &- 1
            }
            return (low, high)
        }
        var low: UInt64 = 0
        var high: UInt64 = 0
        var index = 0
        while index < count {
            let byte = UInt64(bytes[index])
            if index < 8 {
                low |= byte &<< (UInt64(index) &* 8)
            } else {
                high |= byte &<< (UInt64(index &- 8) &* 8)
            }
            index &+= 1
        }
        return (low, high)
    }

    /// Whether the bytes in the two words are all ASCII.
    @inline(__always)
    static func isASCII(low: UInt64, high: UInt64) -> Bool {
        (low | high) & 0x8080_8080_8080_8080 == 0
    }

    /// The UTF-8 bytes of `text` as two little-endian words, if it is a small ASCII string of `count`
    /// bytes; `nil` for anything else (longer, non-ASCII or bridged). Only call when ``isAvailable``.
    @inline(__always)
    static func words(of text: String, count: Int) -> (UInt64, UInt64)? {
        guard count <= maxCount else { return nil }
        let (low, high) = unsafeBitCast(text, to: (UInt64, UInt64).self)
        guard high &>> 56 == 0xE0 | UInt64(count) else { return nil }
        return (low, high & 0x00FF_FFFF_FFFF_FFFF)
    }

    /// The string of `count` (1...15) ASCII bytes held in `low` and `high`. Only call when
    /// ``isAvailable`` is true and the bytes are ASCII.
    @inline(__always)
    static func compose(low: UInt64, high: UInt64, count: Int) -> String {
        var words = (low, high | (0xE0 | UInt64(count)) &<< 56)
        // Moving the value out of the words takes it without the retain that `unsafeBitCast` would
        // add (a small string owns no object, so nothing is left to release).
        return withUnsafeMutableBytes(of: &words) { raw in
            raw.baseAddress!.bindMemory(to: String.self, capacity: 1).move()
        }
    }
}
