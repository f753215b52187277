import OutpostLSR
import OutpostLua
import OutpostWire
import Testing

/// The exact bodies the LSR sends to the EMS (`ems-lsr.md` §4.5, `ems-observed.md` §7.2).
@Suite struct EdgeRegistrationTests {
    @Test func addEdgeThingSendsThePortAsAStringAndNoEmptyCredentials() throws {
        let registration = EdgeRegistration(name: "ScannerThing", host: "127.0.0.1", port: 18001, proto: "https", keepalive: 60000, timeout: 15000)
        let json = registration.json
        #expect(json["port"] == .string("18001"))
        #expect(json["path"] == .string("/scripts/Thingworx"))
        #expect(json["keepalive"] == .integer(60000) && json["timeout"] == .integer(15000))
        #expect(json["proto"] == .string("https") && json["name"] == .string("ScannerThing"))
        #expect(json["user"] == nil && json["password"] == nil && json["allow_self_signed"] == nil)
    }

    @Test func propertyPushIsAValuesInfoTableOfVariants() throws {
        let body = PropertyPush.body([
            LuaPropertyValue(name: "Temp", baseType: .number, value: .number(21.5), time: 1_510_000_000_000, quality: "GOOD"),
            LuaPropertyValue(name: "Count", baseType: .integer, value: .integer(3), time: 1_510_000_000_001, quality: "GOOD"),
        ]).body
        let text = body.serialized()
        #expect(text.contains(#""dataShape""#) && !text.contains(#""datashape""#))
        let table = try InfoTable(emsJSON: body)
        let values = try #require(table.value("values")?.infoTableValue)
        #expect(values.dataShape.index(of: "value") != nil && values.rows.count == 2)
        #expect(text.contains(#"{"baseType":"NUMBER","value":21.5}"#), "\(text)")
        #expect(text.contains(#""name":"Temp""#) && text.contains(#""quality":"GOOD""#))
    }

    @Test func aValueThatDoesNotFitItsTypeIsLeftOutAndNamed() {
        let (_, skipped) = PropertyPush.body([
            LuaPropertyValue(name: "Broken", baseType: .integer, value: .string("not a number"), time: 0, quality: "GOOD"),
        ])
        #expect(skipped.map(\.0) == ["Broken"])
    }
}
