import NIOCore
import OutpostWire
import Testing

/// The DataShapes and names of a property push are recognised by their bytes (and shared between
/// messages); recognition must give exactly what parsing gives, spellings and their ordinals included.
struct WireKnownFormsTests {
    private let head = #"01 03 00000004 00000000 0000002a 00 | 0a 04 "Dev1" 02 1e "UpdateSubscribedPropertyValues" 00 05"#
    private let outerShape = #"01 06 "values" 00 05 0000 00"#
    private func innerShape(entry: String = "01", qualityDescription: String = "00") -> String {
        #"\#(entry) 04 "name" 00 00 0000  01 05 "value" 00 12 0000  01 04 "time" 00 03 0000  01 07 "quality" \#(qualityDescription) 00 0000  00"#
    }
    private let pushFields = [
        FieldDefinition(name: "name", baseType: .string),
        FieldDefinition(name: "value", baseType: .variant),
        FieldDefinition(name: "time", baseType: .datetime),
        FieldDefinition(name: "quality", baseType: .string),
    ]

    private func values(_ message: AlwaysOnMessage) -> InfoTable? {
        guard case .request(let request) = message.body else { return nil }
        return request.parameters?.value("values")?.infoTableValue
    }

    @Test
    func quirksAfterTheKnownShapes_areRecordedAtTheOrdinalsParsingWouldGive() throws {
        // Strings: Dev1 0, target 1, values/"" 2–3, the inner names and descriptions 4–11, Temp 12,
        // GOOD 13. Flags: params marker 0, outer entry 1 and end 2, outer row 3, inner entries 4–7, inner
        // end 8, inner row 9.
        let bytes = specBytes(
            #"\#(head) \#(outerShape) 01 0001 05 \#(innerShape()) 02 0004 00 04 "Temp" 12 01 4035800000000000 03 0000018cc251f400 00 80000004 "GOOD" 00 00"#
        )
        let message = try AlwaysOnMessage(decoding: bytes)
        #expect(message.spelling?.flagBytes == [9: 2])
        #expect(message.spelling?.longFormStrings == [13])
        #expect(values(message)?.dataShape.fields == pushFields)
        #expect(values(message)?.rows == [[.string("Temp"), .variant(.number(21.5)), .datetime(1_704_067_200_000), .string("GOOD")]])
        guard case .request(let request) = message.body else {
            Issue.record("not a request: \(message.body)")
            return
        }
        #expect(request.target == "UpdateSubscribedPropertyValues")
        #expect(try message.encodedBytes() == bytes)
    }

    @Test
    func knownShapeSpelledOtherwise_takesTheOrdinaryPathAndRecordsTheSpelling() throws {
        let bytes = specBytes(
            #"\#(head) \#(outerShape) 01 0001 05 \#(innerShape(entry: "07")) 01 0004 00 01 "T" 12 02 01 03 0000000000000001 00 00 00 00"#
        )
        let message = try AlwaysOnMessage(decoding: bytes)
        #expect(message.spelling?.flagBytes == [4: 7])
        #expect(values(message)?.dataShape.fields == pushFields)
        #expect(try message.encodedBytes() == bytes)
    }

    @Test
    func shapeThatDiffersInOneByte_keepsItsOwnField() throws {
        let bytes = specBytes(
            #"\#(head) \#(outerShape) 01 0001 05 \#(innerShape(qualityDescription: #"01 "q""#)) 00 00"#
        )
        let message = try AlwaysOnMessage(decoding: bytes)
        var expected = pushFields
        expected[3].description = "q"
        #expect(message.spelling == nil)
        #expect(values(message)?.dataShape.fields == expected)
        #expect(values(message)?.rowCount == 0)
        #expect(try message.encodedBytes() == bytes)
    }

    @Test
    func knownShapeCutShort_isATruncationInsideIt() throws {
        let full = specBytes(#"\#(head) \#(outerShape) 01 0001 05 \#(innerShape()) 00 00"#)
        let shapeStart = specBytes(#"\#(head) \#(outerShape) 01 0001 05"#).count
        for length in shapeStart..<(full.count - 2) {
            do {
                let message = try AlwaysOnMessage(decoding: Array(full.prefix(length)))
                Issue.record("\(length)-byte prefix decoded as \(message)")
            } catch {
                #expect(error.code == .truncated || error.code == .lengthExceedsMessage)
                #expect((shapeStart...length).contains(error.offset ?? -1), "\(length): \(error)")
            }
        }
    }

    @Test(arguments: ["UpdateSubscribedPropertyValues", "GetPropertySubscriptions", "NotifyPropertyUpdate", "UpdateSubscribedPropertyValueX"])
    func longServiceNames_decodeToTheirText(_ name: String) throws {
        let message = AlwaysOnMessage(
            requestID: 9,
            sessionID: 0x2A,
            body: .request(RequestBody(method: .post, entityName: "Dev1", characteristic: .services, target: name))
        )
        let decoded = try AlwaysOnMessage(decoding: try message.encodedBytes())
        #expect(decoded == message)
    }
}
