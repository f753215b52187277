import OutpostLua
import OutpostWire
import Testing

/// Values crossing between Swift and Lua keep their type: integers vs floats, NULs in strings, nesting.
@Suite struct LuaValueConversionTests {
    /// Pushes each value into Lua and reads it back, with Lua's own view of its type.
    private func roundTrip(_ value: LuaValue) async throws -> (LuaValue, String) {
        let lua = try await LuaTestSupport.runtime()
        let results = try await lua.withState { state throws(LuaError) in
            try state.execute("local v = ...; return v, math.type(v) or type(v)", chunkName: "=t", arguments: [value])
        }
        return (results[0], results[1].stringValue ?? "")
    }

    @Test func scalars_roundTripWithTheirLuaTypes() async throws {
        #expect(try await roundTrip(.nil) == (.nil, "nil"))
        #expect(try await roundTrip(true) == (.boolean(true), "boolean"))
        #expect(try await roundTrip(.integer(Int64.max)) == (.integer(Int64.max), "integer"))
        #expect(try await roundTrip(.number(3.0)) == (.number(3.0), "float"))
        #expect(try await roundTrip(.number(-0.5)) == (.number(-0.5), "float"))
    }

    @Test func stringWithEmbeddedNUL_keepsEveryByte() async throws {
        let text = "a\u{0}b\u{0}\u{0}c ünï"
        let lua = try await LuaTestSupport.runtime()
        let results = try await lua.withState { state throws(LuaError) in
            try state.execute("local s = ...; return s, #s, s:byte(2)", chunkName: "=t", arguments: [.string(text)])
        }
        #expect(results[0] == .string(text))
        #expect(results[1] == .integer(Int64(text.utf8.count)))
        #expect(results[2] == .integer(0))
    }

    @Test func nonUTF8Bytes_comeBackAsBytes() async throws {
        let lua = try await LuaTestSupport.runtime()
        let results = try await lua.execute("return '\\255\\0\\254'")
        #expect(results == [.bytes([255, 0, 254])])
    }

    @Test func nestedTables_roundTrip() async throws {
        let value: LuaValue = ["name": "pump", "limits": [1, 2.5, "x"], "nested": ["deep": ["ok": true]]]
        #expect(try await roundTrip(value).0 == value)
    }

    @Test func json_roundTripsThroughLua_keepingIntegersAndFloatsApart() async throws {
        let lua = try await LuaTestSupport.runtime()
        let text = #"{"a":1,"b":1.5,"c":[1,2,3],"d":{"e":"x\u0000y"},"f":true}"#
        let results = try await lua.withState { state throws(LuaError) in
            try state.execute("""
                local t = json.decode(...)
                return json.encode(t), math.type(t.a), math.type(t.b), #t.c
                """, chunkName: "=t", arguments: [.string(text)])
        }
        #expect(results[1] == "integer")
        #expect(results[2] == "float")
        #expect(results[3] == .integer(3))
        let reparsed = try JSONValue(parsing: try #require(results[0].stringValue))
        #expect(reparsed == (try JSONValue(parsing: text)))
    }

    @Test func luaValueFromJSON_andBack() throws {
        let json: JSONValue = ["rows": [["v": 1], ["v": 2.25]], "name": "t", "empty": .object([:])]
        let value = LuaValue(json: json)
        #expect(value["name"] == "t")
        let back = try value.json()
        #expect(back["rows"] == json["rows"])
        #expect(back["empty"] == .object([:]))
    }

    @Test func emptyTable_isAnEmptyObject_andMixedTableAnObject() throws {
        #expect(try LuaValue.table(LuaTable()).json() == .object([:]))
        let mixed = LuaValue.table(LuaTable(array: ["a"], fields: ["k": 1]))
        #expect(try mixed.json() == ["1": "a", "k": 1])
    }

    @Test func cyclicTable_failsAsConversionError_notACrash() async throws {
        let lua = try await LuaTestSupport.runtime()
        do {
            try await lua.execute("local t = {}; t.self = t; return t")
            Issue.record("expected a conversion error")
        } catch {
            #expect(error.kind == .conversion)
        }
        #expect(try await lua.execute("return 1") == [1])
    }

    @Test func propertyValue_convertsToAPrimitiveOfItsBaseType() throws {
        let integer = LuaPropertyValue(name: "n", baseType: .integer, value: .integer(7), time: 0, quality: "GOOD")
        #expect(try integer.primitive() == .integer(7))
        let number = LuaPropertyValue(name: "x", baseType: .number, value: .integer(7), time: 0, quality: "GOOD")
        #expect(try number.primitive() == .number(7))
        let location = LuaPropertyValue(name: "l", baseType: .location, value: ["latitude": 1.5, "longitude": 2, "elevation": 0], time: 0, quality: "GOOD")
        #expect(try location.primitive() == .location(Location(latitude: 1.5, longitude: 2, elevation: 0)))
        let wrong = LuaPropertyValue(name: "b", baseType: .boolean, value: "maybe", time: 0, quality: "GOOD")
        #expect(throws: (any Error).self) { try wrong.primitive() }
    }
}
