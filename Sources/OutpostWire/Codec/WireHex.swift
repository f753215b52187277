/// Hex text for message bytes: what operators paste into `outpost wire decode` and what logs print.
public enum WireHex {
    /// Why text is not hex: the offending character's offset (in UTF-8 bytes) and a sentence.
    public struct DecodingError: Error, Sendable, Equatable, CustomStringConvertible {
        public let offset: Int
        public let reason: String

        public var description: String { "at character \(offset): \(reason)" }
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// Lower-case hex; with `spaced`, one space between bytes (`01 14 00 …`).
    public static func encode(_ bytes: some Sequence<UInt8>, spaced: Bool = false) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.underestimatedCount * 3)
        for byte in bytes {
            if spaced && !output.isEmpty { output.append(0x20) }
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Reads hex digits in either case; spaces, tabs and line breaks between (not inside) bytes are
    /// ignored, and so is a `0x` prefix on the whole text.
    public static func decode(_ text: String) throws(DecodingError) -> [UInt8] {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset]) { offset += 1 }
        if bytes.count - offset >= 2, bytes[offset] == UInt8(ascii: "0"), bytes[offset + 1] | 0x20 == UInt8(ascii: "x") {
            bytes[offset] = 0x20
            bytes[offset + 1] = 0x20
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 2)
        var high: UInt8? = nil
        for (index, character) in bytes.enumerated() {
            let value: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = character - UInt8(ascii: "A") + 10
            case 0x20, 0x09, 0x0A, 0x0D:
                guard high == nil else {
                    throw DecodingError(offset: index, reason: "a byte needs two hex digits; found whitespace after one")
                }
                continue
            default:
                throw DecodingError(offset: index, reason: "'\(Character(Unicode.Scalar(character)))' is not a hex digit")
            }
            if let pending = high {
                output.append(pending << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        guard high == nil else {
            throw DecodingError(offset: bytes.count, reason: "the text ends after half a byte (odd number of hex digits)")
        }
        return output
    }
}
