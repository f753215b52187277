import NIOCore
import OutpostWire
import Testing

/// The lossless JSON form behind `outpost wire decode | outpost wire encode`.
struct WireJSONTests {
    private func roundTrip(_ bytes: [UInt8]) throws -> (text: String, bytes: [UInt8]) {
        let message = try AlwaysOnMessage(decoding: bytes)
        let text = message.wireJSON().serialized(pretty: true)
        return (text, try AlwaysOnMessage(wireJSON: text).encodedBytes())
    }

    @Test
    func authExample_printsHeaderFieldsByName() throws {
        let message = try AlwaysOnMessage(decoding: GoldenVectors.alwaysOn[0].bytes)
        #expect(message.wireJSON().serialized() == #"{"header":{"version":1,"code":"AUTH","requestId":1,"endpointId":0,"sessionId":4294967295,"multipart":0},"auth":{"claims":[{"name":"appKey","value":"abc"}]}}"#)
    }

    @Test
    func pushExample_printsInfoTablesAsRowsAndDataShape() throws {
        let vector = GoldenVectors.alwaysOn.first { $0.name == "5e UpdateSubscribedPropertyValues" }!
        let text = try AlwaysOnMessage(decoding: vector.bytes).wireJSON().serialized()
        #expect(text.contains(#""rows":[{"name":"Temp","value":{"baseType":"NUMBER","value":21.5},"time":1704067200000,"quality":"GOOD"}]"#))
        #expect(text.contains(#""dataShape":{"fieldDefinitions":{"values":{"name":"values","description":"","baseType":"INFOTABLE","aspects":{}}}}"#))
    }

    @Test
    func irregularTable_roundTripsExactly() throws {
        let table = InfoTable(
            fields: [
                FieldDefinition(name: "n", baseType: .integer, aspects: [Aspect(name: "i", value: .integer(3)), Aspect(name: "b", value: .boolean(true))]),
                FieldDefinition(name: "n", baseType: .json),
                FieldDefinition(name: "v", baseType: .variant),
            ],
            rows: [
                [.number(3), .json("not json"), .variant(.nothing)],
                [.integer(1)],
                [.nothing, .nothing, .number(2), .string("extra")],
                [.number(.nan), .json(" { } "), .variant(.number(-.infinity))],
                [.number(Double(bitPattern: 0x7FF0_0000_0000_0001)), .nothing, .variant(.variant(.blob([0xFF])))],
            ]
        )
        let message = AlwaysOnMessage(requestID: 1, sessionID: 2, body: .response(ResponseBody(content: table)))
        let bytes = try message.encodedBytes()
        let (text, back) = try roundTrip(bytes)
        #expect(back == bytes, "\(text)")
        #expect(text.contains(#""wireType": "NUMBER""#))
        #expect(text.contains(#""0x7FF0000000000001""#))
    }

    @Test
    func nonCanonicalInput_carriesASpellingAndRoundTrips() throws {
        let bytes = specBytes(#"02 80 00000003 00000000 0000002a 00 | 00 00 | 00 00 00"#)
        let (text, back) = try roundTrip(bytes)
        #expect(back == bytes)
        #expect(text.contains(#""spelling""#))
        #expect(text.contains(#""trailingBytes": "000000""#))
        #expect(text.contains(#""version": 2"#))
    }

    @Test
    func chunk_roundTripsWithHexData() throws {
        let bytes = specBytes(#"01 03 00000009 00000000 0000002a 01 | 0002 0003 2000 | 0a 04 "Dev1" | aabbcc"#)
        let (text, back) = try roundTrip(bytes)
        #expect(back == bytes)
        #expect(text.contains(#""data": "aabbcc""#))
    }

    @Test
    func mistakes_areReportedByPath() {
        func expectError(_ code: WireJSONError.Code, _ path: String, _ json: String) {
            do {
                _ = try AlwaysOnMessage(wireJSON: json)
                Issue.record("accepted \(json)")
            } catch {
                #expect(error.code == code, "\(error)")
                #expect(error.path == path, "\(error)")
            }
        }
        let header = #""header":{"code":"SUCCESS","requestId":1,"sessionId":2}"#
        expectError(.unexpectedMember, "response.reasn", #"{\#(header),"response":{"reasn":"x"}}"#)
        expectError(.typeMismatch, "header.code", #"{\#(header),"request":{}}"#)
        expectError(.outOfRange, "header.requestId", #"{"header":{"code":"SUCCESS","requestId":-1,"sessionId":2},"response":{}}"#)
        expectError(.missingMember, "", #"{\#(header)}"#)
        expectError(.typeMismatch, "header.multipart", #"{\#(header),"chunk":{"number":1,"count":1,"chunkSize":8192,"data":""}}"#)
        expectError(
            .typeMismatch,
            "response.content.rows[0].a",
            #"{\#(header),"response":{"content":{"rows":[{"a":"x"}],"dataShape":{"fieldDefinitions":{"a":{"name":"a","description":"","baseType":"NUMBER","aspects":{}}}}}}}"#
        )
    }

    @Test
    func defaults_fillVersionEndpointAndMultipart() throws {
        let message = try AlwaysOnMessage(wireJSON: #"{"header":{"code":"SUCCESS","requestId":1,"sessionId":42},"response":{}}"#)
        #expect(try message.encodedBytes() == specBytes("01 40 00000001 00000000 0000002a 00 | 00 ff"))
    }

    @Test
    func deepestAllowedNesting_withTypeWrappers_readsBack() throws {
        // Each level is an INFOTABLE value in a field declared STRING, so the JSON needs a wrapper too.
        var table = InfoTable.single("leaf", .integer(1))
        for _ in 1..<WireLimits.default.maxNestingDepth {
            table = InfoTable(fields: [FieldDefinition(name: "t", baseType: .string)], rows: [[.infoTable(table), .nothing]])
        }
        let message = AlwaysOnMessage(requestID: 1, sessionID: 2, body: .response(ResponseBody(content: table)))
        let bytes = try message.encodedBytes()
        let (_, back) = try roundTrip(bytes)
        #expect(back == bytes)
    }

    @Test
    func deepestAllowedNesting_throughAspects_readsBack() throws {
        // Each level is an INFOTABLE held in an aspect of the next table's only field.
        var table = InfoTable.single("leaf", .integer(1))
        for _ in 1..<WireLimits.default.maxNestingDepth {
            let field = FieldDefinition(name: "f", baseType: .string, aspects: [Aspect(name: "a", value: .infoTable(table))])
            table = InfoTable(fields: [field])
        }
        let message = AlwaysOnMessage(requestID: 1, sessionID: 2, body: .response(ResponseBody(content: table)))
        let bytes = try message.encodedBytes()
        #expect(try AlwaysOnMessage(decoding: bytes) == message)
        let (_, back) = try roundTrip(bytes)
        #expect(back == bytes)
    }
}
