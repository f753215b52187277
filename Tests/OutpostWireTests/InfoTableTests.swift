import NIOCore
import OutpostWire
import Testing

struct InfoTableTests {
    private func encode(_ table: InfoTable) throws -> [UInt8] {
        var buffer = ByteBuffer()
        try table.encode(into: &buffer)
        return Array(buffer.readableBytesView)
    }

    private func decode(_ bytes: [UInt8], limits: WireLimits = .default) throws -> InfoTable {
        var buffer = ByteBuffer(bytes: bytes)
        return try InfoTable.decode(from: &buffer, limits: limits)
    }

    @Test
    func empty_isTwoZeroBytes() throws {
        #expect(try encode(InfoTable()) == [0, 0])
        #expect(try decode([0, 0]) == InfoTable())
    }

    @Test
    func shapeWithoutRows_endsWithTwoTerminators() throws {
        let table = InfoTable(fields: [FieldDefinition(name: "a", baseType: .string)])
        #expect(try encode(table) == specBytes(#"01 01 "a" 00 00 0000 | 00 | 00"#))
    }

    @Test
    func single_wrapsValueUnderItsOwnType() {
        let table = InfoTable.single("result", .json("{}"))
        #expect(table.dataShape.fields == [FieldDefinition(name: "result", baseType: .json)])
        #expect(table.rows == [[.json("{}")]])
        #expect(table.value("result") == .json("{}"))
        #expect(table.value("result", row: 1) == nil)
        #expect(table.value("other") == nil)
    }

    @Test
    func rowWithMoreOrFewerValuesThanFields_isKeptPositionally() throws {
        let table = InfoTable(
            fields: [FieldDefinition(name: "a", baseType: .integer), FieldDefinition(name: "b", baseType: .integer)],
            rows: [[.integer(1)], [.integer(1), .integer(2), .string("extra")]]
        )
        #expect(try decode(try encode(table)) == table)
    }

    @Test
    func valueOfAnotherTypeThanDeclared_isKept() throws {
        // The C SDK sends a NUMBER in a field declared INTEGER in its file-transfer replies (§4.4).
        let table = InfoTable(fields: [FieldDefinition(name: "count", baseType: .integer)], rows: [[.number(3)]])
        let decoded = try decode(try encode(table))
        #expect(decoded.rows[0][0] == .number(3))
        #expect(decoded.value("count")?.doubleValue == 3)
    }

    @Test
    func nonZeroMarkers_startEntriesOnRead() throws {
        let table = try decode(specBytes(#"07 01 "a" 00 16 0000 | 00 | 09 0001 16 00000005 | 00"#))
        #expect(table == InfoTable(fields: [FieldDefinition(name: "a", baseType: .integer)], rows: [[.integer(5)]]))
    }

    @Test
    func nestingBomb_ofInfoTables_stopsAtTheDepthLimit() {
        // Field "t" INFOTABLE, one row holding an INFOTABLE holding … 10,000 deep.
        let level = specBytes(#"01 01 "t" 00 05 0000 | 00 | 01 0001 05"#)
        var bytes: [UInt8] = []
        for _ in 0..<10_000 { bytes += level }
        let limit = WireLimits.default.maxNestingDepth
        expectWireError(.nestingTooDeep, at: level.count * limit - 1) { _ = try decode(bytes) }
    }

    @Test
    func nestingBomb_ofVariants_stopsAtTheDepthLimit() {
        let bytes = specBytes(#"01 01 "v" 00 12 0000 | 00 | 01 0001"#) + [UInt8](repeating: 0x12, count: 100_000)
        expectWireError(.nestingTooDeep) { _ = try decode(bytes) }
    }

    @Test
    func nestingDepth_isConfigurable() throws {
        let inner = InfoTable.single("x", .integer(1))
        let twoLevels = InfoTable.single("t", .infoTable(inner))
        let bytes = try encode(twoLevels)
        #expect(try decode(bytes, limits: WireLimits(maxNestingDepth: 2)) == twoLevels)
        expectWireError(.nestingTooDeep) { _ = try decode(bytes, limits: WireLimits(maxNestingDepth: 1)) }
    }

    @Test
    func encode_nestingBeyondTheHardMaximum_throwsInsteadOfOverflowingTheStack() {
        var value = Primitive.nothing
        for _ in 0..<(WireLimits.hardMaximumNestingDepth + 5) { value = .variant(value) }
        let table = InfoTable.single("v", value)
        expectWireError(.nestingTooDeep) { _ = try encode(table) }
    }

    @Test
    func hugeCounts_withFewBytes_failAsTruncatedWithoutReservingThem() {
        // 65535 aspects declared, none present; 65535 row values declared, none present.
        expectWireError(.truncated, at: 7) { _ = try decode(specBytes(#"01 01 "a" 00 00 ffff"#)) }
        expectWireError(.truncated, at: 4) { _ = try decode(specBytes("00 01 ffff")) }
    }

    @Test
    func declaredFieldTypeByte_mustBeABaseType() {
        expectWireError(.unknownBaseType, at: 4) { _ = try decode(specBytes(#"01 01 "a" 00 17 0000 00 00"#)) }
    }

    @Test
    func encode_tooManyRowValues_isNotEncodable() {
        let table = InfoTable(rows: [[Primitive](repeating: .nothing, count: 65_536)])
        expectWireError(.notEncodable) { _ = try encode(table) }
    }

    @Test
    func encode_tooManyAspects_isNotEncodable() {
        let aspects = [Aspect](repeating: Aspect(name: "a", value: .nothing), count: 65_536)
        let table = InfoTable(fields: [FieldDefinition(name: "f", baseType: .string, aspects: aspects)])
        expectWireError(.notEncodable) { _ = try encode(table) }
    }

    @Test
    func encode_failure_leavesTheBufferUnchanged() {
        var buffer = ByteBuffer(bytes: [9, 9])
        let table = InfoTable(fields: [FieldDefinition(name: "f", baseType: .string)], rows: [[.text(.number, "x")]])
        #expect(throws: WireError.self) { try table.encode(into: &buffer) }
        #expect(Array(buffer.readableBytesView) == [9, 9])
    }
}
