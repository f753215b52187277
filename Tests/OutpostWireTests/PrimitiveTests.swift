import NIOCore
import OutpostWire
import Testing

struct PrimitiveTests {
    private func bytes(of value: Primitive) throws -> [UInt8] {
        var buffer = ByteBuffer()
        try value.encode(into: &buffer)
        return Array(buffer.readableBytesView)
    }

    private func decode(_ hex: String, limits: WireLimits = .default) throws -> Primitive {
        var buffer = ByteBuffer(bytes: specBytes(hex))
        let value = try Primitive.decode(from: &buffer, limits: limits)
        #expect(buffer.readableBytes == 0)
        return value
    }

    @Test(arguments: [
        (Primitive.nothing, "ff"),
        (.string("abc"), "00 03 616263"),
        (.number(21.5), "01 4035800000000000"),
        (.boolean(true), "02 01"),
        (.boolean(false), "02 00"),
        (.datetime(1_704_067_200_000), "03 0000018cc251f400"),
        (.location(Location(latitude: 2, longitude: 1, elevation: 3)), "06 3ff0000000000000 4000000000000000 4008000000000000"),
        (.text(.xml, "<a/>"), "07 04 3c612f3e"),
        (.json("{}"), "08 02 7b7d"),
        (.bytes(.image, [1, 2]), "0a 00000002 0102"),
        (.text(.thingName, "T"), "64 01 54"),
        (.variant(.number(21.5)), "12 01 4035800000000000"),
        (.variant(.variant(.nothing)), "12 12 ff"),
        (.blob([]), "15 00000000"),
        (.integer(-2), "16 fffffffe"),
        (.infoTable(InfoTable()), "05 00 00"),
    ])
    func encodeAndDecode_eachBaseType_matchesSpecLayout(_ value: Primitive, _ hex: String) throws {
        #expect(try bytes(of: value) == specBytes(hex))
        #expect(try decode(hex) == value)
    }

    @Test
    func everyTextualBaseType_roundTripsAsString() throws {
        for type in BaseType.allCases where type.isTextual {
            let value = Primitive.text(type, "x")
            #expect(try bytes(of: value) == [type.rawValue, 1, 0x78])
            #expect(try decode(WireHex.encode([type.rawValue, 1, 0x78])) == value)
        }
    }

    @Test
    func string_of300Bytes_usesFourByteLengthWithTopBitSet() throws {
        let text = String(repeating: "a", count: 300)
        let encoded = try bytes(of: .string(text))
        #expect(Array(encoded.prefix(5)) == [0x00, 0x80, 0x00, 0x01, 0x2C])
        #expect(encoded.count == 5 + 300)
        #expect(try decode(WireHex.encode(encoded)) == .string(text))
    }

    @Test
    func string_of127And128Bytes_switchesLengthFormAtTheBoundary() throws {
        #expect(try bytes(of: .string(String(repeating: "b", count: 127)))[1] == 127)
        #expect(Array(try bytes(of: .string(String(repeating: "b", count: 128)))[1...4]) == [0x80, 0, 0, 0x80])
    }

    @Test
    func decode_stringLengthOf2To31Minus1_failsBeforeAllocating() {
        expectWireError(.lengthExceedsMessage, at: 1) { _ = try decode("00 ffffffff 61") }
    }

    @Test
    func decode_blobLengthOf2To31_failsBeforeAllocating() {
        expectWireError(.lengthExceedsMessage, at: 1) { _ = try decode("15 80000000 0102") }
        expectWireError(.lengthExceedsMessage, at: 1) { _ = try decode("0a ffffffff") }
    }

    @Test(arguments: [UInt8(0x13), 0x17, 0x20, 0x31, 0x35, 0x63, 0x67, 0x79, 0xFE])
    func decode_unknownBaseType_isRejectedAtTheTypeByte(_ type: UInt8) {
        expectWireError(.unknownBaseType, at: 0) { _ = try decode(WireHex.encode([type, 0, 0])) }
    }

    @Test(arguments: [BaseType.timespan, .schedule])
    func decode_typeWithoutValueEncoding_isUnsupported(_ type: BaseType) {
        expectWireError(.unsupportedBaseType, at: 0) { _ = try decode(WireHex.encode([type.rawValue, 0])) }
    }

    @Test
    func encode_textWithNonTextualType_isNotEncodable() {
        #expect(throws: WireError(.notEncodable, at: nil, "")) { try bytes(of: .text(.number, "1")) }
        #expect(throws: WireError(.notEncodable, at: nil, "")) { try bytes(of: .bytes(.string, [1])) }
    }

    @Test
    func decode_truncatedNumber_reportsTheValueOffset() {
        expectWireError(.truncated, at: 1) { _ = try decode("01 4035") }
    }

    @Test
    func equality_comparesNumbersByBitPattern() {
        #expect(Primitive.number(.nan) == .number(.nan))
        #expect(Primitive.number(0.0) != .number(-0.0))
        #expect(Set([Primitive.number(.nan), .number(.nan)]).count == 1)
    }

    @Test
    func doubleValue_readsIntegerNumberAndVariant() {
        #expect(Primitive.integer(3).doubleValue == 3)
        #expect(Primitive.variant(.number(2.5)).doubleValue == 2.5)
        #expect(Primitive.string("3").doubleValue == nil)
    }

    @Test
    func baseTypeNames_roundTripAndIgnoreCase() {
        for type in BaseType.allCases {
            #expect(BaseType(name: type.name) == type)
        }
        #expect(BaseType(name: "infotable") == .infoTable)
        #expect(BaseType(name: "LONG") == nil)
    }
}
