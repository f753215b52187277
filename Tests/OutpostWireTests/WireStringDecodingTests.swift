import NIOCore
import OutpostWire
import Testing

/// Decoded strings equal the ordinary `String` of their bytes, whichever path builds them: short ASCII
/// strings are composed in place, others go through `String(decoding:as:)`. Encoding writes short ASCII
/// strings as two words where there is room and byte by byte near the end of the reserved memory.
struct WireStringDecodingTests {
    /// A STRING value of `text`, followed by `padding` more bytes (so that a string can end right at the
    /// end of the input or well before it).
    private func decode(_ utf8: [UInt8], padding: Int) throws -> String? {
        var bytes: [UInt8] = [BaseType.string.rawValue, UInt8(utf8.count)] + utf8
        bytes += [UInt8](repeating: 0xFF, count: padding)
        var buffer = ByteBuffer(bytes: bytes)
        let value = try Primitive.decode(from: &buffer)
        #expect(buffer.readableBytes == padding)
        return value.stringValue
    }

    @Test(arguments: 0...40)
    func asciiOfEveryLength_decodesToTheSameString(_ count: Int) throws {
        let text = String((0..<count).map { Character(Unicode.Scalar(UInt8(0x21 + ($0 * 7) % 94))) })
        for padding in [0, 1, 7, 16, 40] {
            let decoded = try decode(Array(text.utf8), padding: padding)
            #expect(decoded == text)
            #expect(decoded.map { Array($0.utf8) } == Array(text.utf8))
            #expect(decoded?.utf8.count == count)
        }
    }

    @Test(arguments: 1...15)
    func nonASCIIAtEachPosition_ofShortStrings_isKept(_ count: Int) throws {
        for position in 0..<count {
            var utf8 = [UInt8](repeating: UInt8(ascii: "a"), count: count)
            utf8[position] = 0xC3
            if position + 1 < count { utf8[position + 1] = 0xA9 }  // "é" when it fits, else a cut sequence
            let expected = String(decoding: utf8, as: UTF8.self)
            for padding in [0, 20] {
                #expect(try decode(utf8, padding: padding) == expected)
            }
        }
    }

    @Test(arguments: 0...20)
    func encode_shortStrings_atEveryDistanceFromTheEndOfTheRoom(_ count: Int) throws {
        let text = String(repeating: "k", count: count)
        // The encoder first reserves 512 bytes: sweep the string's end across that boundary.
        for padding in 480...515 {
            let pad = String(repeating: "p", count: padding)
            let table = InfoTable(rows: [[.string(pad), .string(text), .integer(7)]])
            var buffer = ByteBuffer()
            try table.encode(into: &buffer)
            let bytes = Array(buffer.readableBytesView)
            let expectedTail: [UInt8] = [0x00, UInt8(count)] + Array(text.utf8) + [0x16, 0, 0, 0, 7, 0x00]
            #expect(Array(bytes.suffix(expectedTail.count)) == expectedTail)
            var readBack = buffer
            #expect(try InfoTable.decode(from: &readBack) == table)
        }
    }

    @Test
    func encode_nonASCIIShortStrings_writeTheirUTF8() throws {
        for text in ["é", "Temp°", "日本", "a\u{0}b"] {
            var buffer = ByteBuffer()
            try Primitive.string(text).encode(into: &buffer)
            #expect(Array(buffer.readableBytesView) == [0x00, UInt8(text.utf8.count)] + Array(text.utf8))
        }
    }

    @Test
    func composedStrings_behaveAsOrdinaryStrings() throws {
        let decoded = try #require(try decode(Array("GOOD".utf8), padding: 30))
        var copy = decoded
        copy += "-ish"
        #expect(copy == "GOOD-ish")
        #expect(decoded.hashValue == "GOOD".hashValue)
        #expect(Set([decoded, "GOOD"]).count == 1)
        #expect(decoded.uppercased() == "GOOD" && decoded.lowercased() == "good")
        #expect(decoded.unicodeScalars.count == 4 && decoded.count == 4)
    }
}
