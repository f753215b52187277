import OutpostPlatform
import OutpostWire
import Testing

/// Values between the admin API's JSON and AlwaysOn primitives.
struct AdminJSONTests {
    @Test func scalars_roundTrip() {
        #expect(Primitive(adminJSON: .bool(true)) == .boolean(true))
        #expect(Primitive(adminJSON: .integer(3)) == .number(3))
        #expect(Primitive(adminJSON: .string("x")) == .string("x"))
        #expect(Primitive(adminJSON: .integer(7), baseType: "INTEGER") == .integer(7))
        #expect(Primitive(adminJSON: .integer(5), baseType: "DATETIME") == .datetime(5))
        #expect(Primitive.variant(.number(1.5)).adminJSON == .number(1.5))
        #expect(Primitive.variant(.number(1.5)).adminBaseType == "NUMBER")
    }

    @Test func objects_travelAsJSONText() {
        let value = Primitive(adminJSON: .object(["a": 1]))
        #expect(value.baseType == .json)
    }

    @Test func infoTable_rendersRowsAndShape() {
        let table = InfoTable.single("Temp", .number(21.5))
        #expect(table.adminJSON["rows"] == .array([.object(["Temp": .number(21.5)])]))
        let parameters = InfoTable(adminParameters: ["a": 1, "b": "x"])
        #expect(parameters.value("a") == .number(1))
        #expect(parameters.value("b") == .string("x"))
    }
}
