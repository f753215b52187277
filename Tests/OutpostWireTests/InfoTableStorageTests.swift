import NIOCore
import OutpostWire
import Testing

/// The flat row storage behind ``InfoTable``: every way of building a table gives the same value, and
/// the accessors agree with ``InfoTable/rows``.
struct InfoTableStorageTests {
    private let fields = [FieldDefinition(name: "a", baseType: .integer), FieldDefinition(name: "b", baseType: .variant)]

    private func roundTrip(_ table: InfoTable) throws -> InfoTable {
        var buffer = ByteBuffer()
        try table.encode(into: &buffer)
        return try InfoTable.decode(from: &buffer)
    }

    @Test(arguments: [
        [[Primitive]](),
        [[]],
        [[], []],
        [[.integer(1), .variant(.number(2))]],
        [[.integer(1), .variant(.number(2))], [.integer(3), .variant(.boolean(true))]],
        [[.integer(1)], [.integer(2), .variant(.variant(.nothing)), .string("extra")]],
        [[.integer(1), .integer(2)], []],
        [[], [.integer(1)]],
    ])
    func rows_surviveStorageEncodingAndDecoding(_ rows: [[Primitive]]) throws {
        let table = InfoTable(fields: fields, rows: rows)
        #expect(table.rows == rows)
        #expect(table.rowCount == rows.count)
        for (index, row) in rows.enumerated() {
            #expect(table.row(index) == row)
            for (column, value) in row.enumerated() {
                #expect(table.value(row: index, column: column) == value)
            }
            #expect(table.value(row: index, column: row.count) == nil)
        }
        #expect(table.row(rows.count) == nil)
        #expect(table.row(-1) == nil)

        var appended = InfoTable(fields: fields)
        for row in rows { appended.appendRow(row) }
        #expect(appended == table)
        #expect(appended.hashValue == table.hashValue)

        var assigned = InfoTable(fields: fields, rows: [[.string("old")], []])
        assigned.rows = rows
        #expect(assigned == table)

        let decoded = try roundTrip(table)
        #expect(decoded == table)
        #expect(decoded.rows == rows)
    }

    @Test
    func appendRow_ofAnotherLength_keepsEveryEarlierRow() {
        var table = InfoTable(fields: fields)
        table.appendRow([.integer(1), .variant(.number(1))])
        table.appendRow([.integer(2), .variant(.number(2))])
        table.appendRow([.integer(3)])
        table.appendRow([.integer(4), .variant(.number(4))])
        #expect(table.rows == [[.integer(1), .variant(.number(1))], [.integer(2), .variant(.number(2))], [.integer(3)], [.integer(4), .variant(.number(4))]])
        #expect(table.value("b", row: 3) == .variant(.number(4)))
        #expect(table.value("b", row: 2) == nil)
    }

    @Test
    func tablesWithDifferentRowSplits_areNotEqual() {
        let one = InfoTable(fields: fields, rows: [[.integer(1), .integer(2)]])
        let two = InfoTable(fields: fields, rows: [[.integer(1)], [.integer(2)]])
        #expect(one != two)
        #expect(InfoTable(rows: [[]]) != InfoTable())
        #expect(InfoTable(rows: [[.variant(.integer(1))]]) != InfoTable(rows: [[.integer(1)]]))
    }

    @Test
    func raggedRowsOnTheWire_decodeToTheSameTableAsBuiltInCode() throws {
        // Two values, then one, then two: the second row switches the decoder to the ragged layout.
        let bytes = specBytes(
            #"01 01 "a" 00 16 0000 | 00 | 01 0002 16 00000001 12 01 3ff0000000000000 | 01 0001 16 00000002 | 01 0002 16 00000003 02 01 | 00"#
        )
        var buffer = ByteBuffer(bytes: bytes)
        let table = try InfoTable.decode(from: &buffer)
        let expected = InfoTable(
            fields: [FieldDefinition(name: "a", baseType: .integer)],
            rows: [[.integer(1), .variant(.number(1))], [.integer(2)], [.integer(3), .boolean(true)]]
        )
        #expect(table == expected)
        var encoded = ByteBuffer()
        try table.encode(into: &encoded)
        #expect(Array(encoded.readableBytesView) == bytes)
    }

    @Test
    func manyUniformRows_decodeBeyondTheFirstReservation() throws {
        let rows = (0..<300).map { [Primitive.string("r\($0)"), .variant(.number(Double($0)))] }
        let table = InfoTable(fields: fields, rows: rows)
        let decoded = try roundTrip(table)
        #expect(decoded == table)
        #expect(decoded.row(299) == rows[299])
    }

    @Test
    func copiesOfATable_changeIndependently() throws {
        let long = String(repeating: "a long heap string ", count: 3)
        var original = InfoTable(fields: fields, rows: [[.integer(1), .variant(.string(long))]])
        let snapshot = original
        var copy = original
        for index in 2...40 {
            copy.appendRow([.integer(Int32(index)), .variant(.string(long + "\(index)"))])
        }
        copy.appendRow([.integer(41)])
        original.appendRow([.integer(99), .variant(.number(9))])

        #expect(snapshot.rows == [[.integer(1), .variant(.string(long))]])
        #expect(original.rows == [[.integer(1), .variant(.string(long))], [.integer(99), .variant(.number(9))]])
        #expect(copy.rowCount == 41)
        #expect(copy.row(39) == [.integer(40), .variant(.string(long + "40"))])
        #expect(copy.row(40) == [.integer(41)])
        #expect(copy.row(0) == snapshot.row(0))
        #expect(try roundTrip(copy) == copy)
        #expect(copy != original && original != snapshot)
        #expect(Set([snapshot, original, copy, snapshot]).count == 3)
    }
}
