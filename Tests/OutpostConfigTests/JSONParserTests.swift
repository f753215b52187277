import OutpostConfig
import Testing

@Suite struct JSONParserTests {
    @Test func parse_recordsLineAndColumnOfValuesAndKeys() throws {
        let node = try JSONParser.parse("{\n  \"a\": [1, \"é\", true],\n  \"b\": null\n}")
        guard case .object(let members) = node.value else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["a", "b"])
        #expect(members[0].keyPosition == SourcePosition(line: 2, column: 3))
        #expect(members[0].value.position == SourcePosition(line: 2, column: 8))
        #expect(members[1].value.position == SourcePosition(line: 3, column: 8))
        guard case .array(let items) = members[0].value.value else { Issue.record("not an array"); return }
        #expect(items[2].position == SourcePosition(line: 2, column: 17))
    }

    @Test func parse_decodesEscapesAndSurrogatePairs() throws {
        let node = try JSONParser.parse(#"["a\"b\\c\/d\n", "\u00e9\ud83d\ude00"]"#)
        #expect(node.value == .array([
            JSONNode(.string("a\"b\\c/d\n"), at: SourcePosition(line: 1, column: 2)),
            JSONNode(.string("é😀"), at: SourcePosition(line: 1, column: 18)),
        ]))
    }

    @Test func parse_keepsLargeIntegersExact() throws {
        let node = try JSONParser.parse("[8000000000, -1, 1.5e3]")
        guard case .array(let items) = node.value,
              case .number(let big) = items[0].value,
              case .number(let negative) = items[1].value,
              case .number(let float) = items[2].value
        else { Issue.record("unexpected shape"); return }
        #expect(big.integer == 8_000_000_000)
        #expect(negative.integer == -1)
        #expect(float.integer == nil)
        #expect(float.double == 1500)
    }

    @Test(arguments: [
        ("{\"a\": 01}", "invalid number: leading zeros are not allowed"),
        ("{\"a\": \"x", "unterminated string; a closing '\"' is missing"),
        ("{'a': 1}", "expected a quoted key, found '''"),
        ("{\"a\" 1}", "expected ':' after key \"a\", found '1'"),
        ("[1,]", "trailing comma before ']'; remove the last ','"),
        ("{} x", "unexpected 'x' after the end of the top-level value"),
        ("[\"\\ud800\"]", "unpaired UTF-16 surrogate \\ud800"),
    ])
    func parse_rejectsMalformedInput(_ text: String, _ message: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
        do {
            _ = try JSONParser.parse(text)
        } catch {
            #expect(error.message == message)
        }
    }

    @Test func parse_refusesNestingBombs() {
        let bomb = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        do {
            _ = try JSONParser.parse(bomb)
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "nesting deeper than 128 levels")
        }
    }
}
