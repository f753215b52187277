import OutpostWire
import Testing

struct JSONValueTests {
    private func expectJSONError(_ code: WireJSONError.Code, at offset: Int? = nil, _ text: String) {
        do {
            let value = try JSONValue(parsing: text)
            Issue.record("parsed \(value)")
        } catch {
            #expect(error.code == code, "\(error)")
            if let offset { #expect(error.offset == offset, "\(error)") }
        }
    }

    @Test
    func parse_keepsMemberOrderAndDuplicates() throws {
        let value = try JSONValue(parsing: #"{"b":1,"a":2,"b":3}"#)
        #expect(value.objectValue?.keys == ["b", "a", "b"])
        #expect(value["b"] == .integer(1))
        #expect(value.serialized() == #"{"b":1,"a":2,"b":3}"#)
    }

    @Test
    func parse_distinguishesIntegersFromOtherNumbers() throws {
        #expect(try JSONValue(parsing: "42") == .integer(42))
        #expect(try JSONValue(parsing: "-0") == .integer(0))
        #expect(try JSONValue(parsing: "1.5") == .number(1.5))
        #expect(try JSONValue(parsing: "1e2") == .number(100))
        #expect(try JSONValue(parsing: "9223372036854775808") == .number(9_223_372_036_854_775_808))
    }

    @Test
    func serialize_printsNumbersAsTheEMSDoes() {
        #expect(JSONValue.number(8001).serialized() == "8001")
        #expect(JSONValue.number(21.5).serialized() == "21.5")
        #expect(JSONValue.number(-0.0).serialized() == "-0.0")
        #expect(JSONValue.number(1e300).serialized() == "1e+300")
        #expect(JSONValue.number(.nan).serialized() == "null")
    }

    @Test
    func numbers_roundTripExactly() throws {
        var random = SeededGenerator(seed: 99)
        for _ in 0..<2000 {
            let value = Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF) * (random.next() % 2 == 0 ? 1 : -1)
            let back = try JSONValue(parsing: JSONValue.number(value).serialized()).doubleValue
            #expect(back?.bitPattern == value.bitPattern, "\(value)")
        }
    }

    @Test
    func strings_escapeAndUnescape() throws {
        let text = "quote \" backslash \\ newline \n tab \t nul \u{0} bell \u{7} é 😀"
        let serialized = JSONValue.string(text).serialized()
        #expect(serialized == #""quote \" backslash \\ newline \n tab \t nul \u0000 bell \u0007 é 😀""#)
        #expect(try JSONValue(parsing: serialized) == .string(text))
        #expect(try JSONValue(parsing: #""\ud83d\ude00 \/ \u00e9""#) == .string("😀 / é"))
    }

    @Test
    func pretty_indentsByTwoSpaces() {
        let value: JSONValue = ["a": [1, 2], "b": [:]]
        #expect(value.serialized(pretty: true) == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}")
    }

    @Test
    func parse_errorsCarryTheOffset() {
        expectJSONError(.invalidJSON, at: 5, #"{"a" 1}"#)
        expectJSONError(.invalidJSON, at: 0, "")
        expectJSONError(.invalidJSON, at: 3, "[1,]")
        expectJSONError(.invalidJSON, at: 2, "1 2")
        expectJSONError(.invalidJSON, at: 0, #""abc"#)
        expectJSONError(.invalidJSON, at: 1, "01")
        expectJSONError(.invalidJSON, at: 1, #""\ud800""#)
        expectJSONError(.invalidJSON, at: 1, "\"\u{1}\"")
        expectJSONError(.outOfRange, at: 0, "1e999")
    }

    @Test
    func parse_invalidUTF8_isAnError() {
        do {
            _ = try JSONValue(parsing: [0x22, 0xB0, 0x22])
            Issue.record("parsed")
        } catch {
            #expect(error.code == .invalidJSON)
        }
    }

    @Test
    func parse_nestingBomb_stopsAtTheDepthLimit() {
        expectJSONError(.nestingTooDeep, String(repeating: "[", count: 100_000))
        expectJSONError(.nestingTooDeep, String(repeating: #"{"a":"#, count: 65))
    }

    @Test
    func objectSubscript_setReplacesInPlaceOrAppends() {
        var object: JSONObject = ["a": 1, "b": 2]
        object["a"] = 3
        object["c"] = 4
        object["b"] = nil
        #expect(JSONValue.object(object).serialized() == #"{"a":3,"c":4}"#)
    }
}
