import OutpostWire
import Testing

/// The EMS REST form, checked against the bodies recorded in `ems-observed.md` and `ems-lsr.md`.
struct InfoTableEMSJSONTests {
    private func expectJSONError(
        _ code: WireJSONError.Code,
        path: String? = nil,
        mentioning words: [String] = [],
        _ body: () throws -> Void
    ) {
        do {
            try body()
            Issue.record("expected \(code)")
        } catch let error as WireJSONError {
            #expect(error.code == code, "\(error)")
            if let path { #expect(error.path == path, "\(error)") }
            for word in words { #expect(error.description.contains(word), "\(error) lacks \(word)") }
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test
    func emsJSON_writesRowsThenDataShapeInTheEMSLayout() {
        let table = InfoTable.single("result", .string("5.4.0.114"))
        let text = table.emsJSONString()
        #expect(text == #"{"rows":[{"result":"5.4.0.114"}],"dataShape":{"fieldDefinitions":{"result":{"name":"result","description":"","baseType":"STRING","aspects":{}}}}}"#)
        // Same length as the EMS's 145-byte answer (ems-observed.md §3.2), which spells the key "datashape".
        #expect(text.utf8.count == 145)
        #expect(InfoTable.single("result", .boolean(true)).emsJSONString().utf8.count == 139)
        #expect(InfoTable.single("result", .boolean(false)).emsJSONString().utf8.count == 140)
    }

    @Test
    func emsJSON_readsTheLowerCaseDatashapeKey() throws {
        let text = #"{"rows":[{"result":"5.4.0.114"}],"datashape":{"fieldDefinitions":{"result":{"name":"result","description":"","baseType":"STRING","aspects":{}}}}}"#
        #expect(try InfoTable(emsJSON: text) == .single("result", .string("5.4.0.114")))
    }

    @Test
    func lsrPropertyAnswer_convertsToTheBytesTheEMSSent() throws {
        // ems-observed.md §7.3: the LSR answers with a string for a NUMBER field, aspects as [] and its own key order.
        let lsr = #"{"rows":[{"cpu_temperature":"47.2","time":1795345950000}],"dataShape":{"fieldDefinitions":{"cpu_temperature":{"aspects":[],"baseType":"NUMBER","name":"cpu_temperature","description":""},"time":{"aspects":[],"baseType":"DATETIME","name":"time","description":""}}}}"#
        let table = try InfoTable(emsJSON: lsr)
        let answer = GoldenVectors.observed.first { $0.name == "8.6 property read answer (71 B)" }!
        var message = answer.message
        message.body = .response(ResponseBody(content: table))
        #expect(try message.encodedBytes() == answer.bytes)
    }

    @Test
    func lsrServiceAnswer_keepsTheAspectAndMatchesTheEMSBytes() throws {
        let lsr = #"{"rows":[{"result":true}],"dataShape":{"fieldDefinitions":{"result":{"aspects":{"persist":false},"baseType":"BOOLEAN","name":"result","description":""}}}}"#
        let answer = GoldenVectors.observed.first { $0.name == "8.6 service answer with aspect (46 B)" }!
        var message = answer.message
        message.body = .response(ResponseBody(content: try InfoTable(emsJSON: lsr)))
        #expect(try message.encodedBytes() == answer.bytes)
    }

    @Test
    func emsPropertyWrite_readsAsTheNumberThePlatformSent() throws {
        let ems = #"{"rows":[{"cpu_temperature":55.500000000000000}],"datashape":{"fieldDefinitions":{"cpu_temperature":{"name":"cpu_temperature","description":"","baseType":"NUMBER","aspects":{}}}}}"#
        #expect(try InfoTable(emsJSON: ems) == .single("cpu_temperature", .number(55.5)))
    }

    @Test
    func propertyPushJSON_fromTheLSRSpec_matchesTheWireShape() throws {
        let json = #"""
            { "rows": [ { "values": {
                  "rows": [ { "name": "Temp", "value": { "baseType": "NUMBER", "value": 21.5 },
                              "time": 1510000000000, "quality": "GOOD" } ],
                  "dataShape": { "fieldDefinitions": {
                      "name":    { "name": "name",    "baseType": "STRING",   "aspects": {} },
                      "value":   { "name": "value",   "baseType": "VARIANT",  "aspects": {} },
                      "time":    { "name": "time",    "baseType": "DATETIME", "aspects": {} },
                      "quality": { "name": "quality", "baseType": "STRING",   "aspects": {} } } } } } ],
              "dataShape": { "fieldDefinitions": { "values": { "name": "values", "baseType": "INFOTABLE", "aspects": {} } } } }
            """#
        let table = try InfoTable(emsJSON: json)
        let values = try #require(table.value("values")?.infoTableValue)
        #expect(values.rows == [[.string("Temp"), .variant(.number(21.5)), .datetime(1_510_000_000_000), .string("GOOD")]])
        #expect(values.dataShape.fields.map(\.baseType) == [.string, .variant, .datetime, .string])
    }

    @Test
    func typedCurlExample_readsAsNumber() throws {
        let table = try InfoTable(emsJSON: #"{"dataShape":{"fieldDefinitions":{"v":{"name":"v","baseType":"NUMBER"}}},"rows":[{"v":3.2}]}"#)
        #expect(table == .single("v", .number(3.2)))
    }

    @Test
    func ordinal_ordersTheFields() throws {
        let table = try InfoTable(emsJSON: #"{"dataShape":{"fieldDefinitions":{"temp":{"name":"temp","baseType":"NUMBER","ordinal":1},"at":{"name":"at","baseType":"DATETIME","ordinal":0}}},"rows":[{"temp":21.5,"at":"2024-01-01T00:00:00Z"}]}"#)
        #expect(table.dataShape.fields.map(\.name) == ["at", "temp"])
        #expect(table.rows == [[.datetime(1_704_067_200_000), .number(21.5)]])
    }

    @Test
    func tolerantConversions_followTheEMS() throws {
        let shape = #""dataShape":{"fieldDefinitions":{"b":{"name":"b","baseType":"BOOLEAN"},"i":{"name":"i","baseType":"INTEGER"},"l":{"name":"l","baseType":"LONG"},"j":{"name":"j","baseType":"JSON"},"s":{"name":"s","baseType":"STRING"},"d":{"name":"d","baseType":"DATETIME"}}}"#
        let table = try InfoTable(emsJSON: #"{"rows":[{"b":"TRUE","i":"42","l":9007199254740993,"j":{"x":[1]},"s":5,"d":"2024-01-01T01:00:00.5+01:00"}],\#(shape)}"#)
        #expect(table.rows == [[.boolean(true), .integer(42), .number(9_007_199_254_740_992), .json(#"{"x":[1]}"#), .string("5"), .datetime(1_704_067_200_500)]])
        #expect(table.dataShape.fields[2].baseType == .number)
    }

    @Test
    func valueThatDoesNotFit_namesFieldExpectedTypeAndGot() {
        expectJSONError(.typeMismatch, path: "rows[0].temp", mentioning: ["'temp'", "NUMBER", #"string "hot""#]) {
            _ = try InfoTable(emsJSON: #"{"rows":[{"temp":"hot"}],"dataShape":{"fieldDefinitions":{"temp":{"name":"temp","baseType":"NUMBER"}}}}"#)
        }
        expectJSONError(.typeMismatch, path: "rows[1].n", mentioning: ["'n'", "INTEGER", "3.5"]) {
            _ = try InfoTable(emsJSON: #"{"rows":[{"n":1},{"n":3.5}],"dataShape":{"fieldDefinitions":{"n":{"name":"n","baseType":"INTEGER"}}}}"#)
        }
        expectJSONError(.outOfRange, mentioning: ["INTEGER", "4294967296"]) {
            _ = try InfoTable(emsJSON: #"{"rows":[{"n":4294967296}],"dataShape":{"fieldDefinitions":{"n":{"name":"n","baseType":"INTEGER"}}}}"#)
        }
        expectJSONError(.typeMismatch, mentioning: ["BLOB", "base64"]) {
            _ = try InfoTable(emsJSON: #"{"rows":[{"b":"***"}],"dataShape":{"fieldDefinitions":{"b":{"name":"b","baseType":"BLOB"}}}}"#)
        }
        expectJSONError(.typeMismatch, mentioning: ["LOCATION"]) {
            _ = try InfoTable(emsJSON: #"{"rows":[{"p":{"lat":1}}],"dataShape":{"fieldDefinitions":{"p":{"name":"p","baseType":"LOCATION"}}}}"#)
        }
    }

    @Test
    func unknownRowKeyAndBaseType_areErrors() {
        expectJSONError(.unexpectedMember, path: "rows[0].x") {
            _ = try InfoTable(emsJSON: #"{"rows":[{"x":1}],"dataShape":{"fieldDefinitions":{"a":{"name":"a","baseType":"NUMBER"}}}}"#)
        }
        expectJSONError(.notEncodable, path: "dataShape.fieldDefinitions.a.baseType", mentioning: ["FLOAT"]) {
            _ = try InfoTable(emsJSON: #"{"rows":[],"dataShape":{"fieldDefinitions":{"a":{"name":"a","baseType":"FLOAT"}}}}"#)
        }
        expectJSONError(.notEncodable, mentioning: ["TIMESPAN"]) {
            _ = try InfoTable(emsJSON: #"{"rows":[{"a":1}],"dataShape":{"fieldDefinitions":{"a":{"name":"a","baseType":"TIMESPAN"}}}}"#)
        }
    }

    @Test
    func nestedInfoTableBomb_stopsAtTheDepthLimit() {
        var json = #"{"rows":[],"dataShape":{"fieldDefinitions":{}}}"#
        for _ in 0..<20 {
            json = #"{"rows":[{"t":\#(json)}],"dataShape":{"fieldDefinitions":{"t":{"name":"t","baseType":"INFOTABLE"}}}}"#
        }
        expectJSONError(.nestingTooDeep) { _ = try InfoTable(emsJSON: json) }
    }

    @Test
    func withoutDataShape_typesComeFromTheFirstRow() throws {
        let table = try InfoTable(emsJSON: #"{"rows":[{"a":1,"b":"x"}]}"#)
        #expect(table.dataShape.fields.map(\.baseType) == [.number, .string])
    }

    @Test
    func flatParameters_inferTypes() throws {
        let json = try JSONValue(parsing: #"{"name":"Pump01","persist":true,"rpm":1500,"at":{"latitude":1,"longitude":2},"meta":{"a":[1]},"list":[1],"none":null}"#)
        let table = try InfoTable(requestBody: json)
        #expect(table.dataShape.fields.map(\.baseType) == [.string, .boolean, .number, .location, .json, .json, .string])
        #expect(table.rows == [[.string("Pump01"), .boolean(true), .number(1500), .location(Location(latitude: 1, longitude: 2)), .json(#"{"a":[1]}"#), .json("[1]"), .nothing]])
        #expect(table.parametersJSON()["rpm"] == .integer(1500) || table.parametersJSON()["rpm"] == .number(1500))
        #expect(table.parametersJSON()["none"] == nil)
    }

    @Test
    func requestBody_choosesInfoTableOrFlatForm() throws {
        #expect(try InfoTable(requestBody: .null) == InfoTable())
        #expect(try InfoTable(requestBody: ["v": 1]).dataShape.fields.map(\.name) == ["v"])
        #expect(try InfoTable(requestBody: ["rows": []]).rows.isEmpty)
        expectJSONError(.typeMismatch) { _ = try InfoTable(requestBody: [1]) }
    }

    @Test
    func content_isTheWrapperTheEMSSends() throws {
        let vector = GoldenVectors.observed.first { $0.name == "8.5 POST Other.Foo with _content_" }!
        guard case .request(let request) = vector.message.body else { return }
        #expect(InfoTable.content(try JSONValue(parsing: #"{"a":1,"b":"x"}"#)) == request.parameters)
    }

    @Test
    func jsonField_isWrittenAsJSONNotAsQuotedText() {
        let table = InfoTable.single("_content_", .json(#"{"foo":"bar"}"#))
        #expect(table.emsJSONString().hasPrefix(#"{"rows":[{"_content_":{"foo":"bar"}}]"#))
    }

    @Test
    func primitiveConversion_usesTheDeclaredType() throws {
        #expect(try Primitive(emsJSON: "12", as: .integer) == .integer(12))
        #expect(try Primitive(emsJSON: .null, as: .number) == .nothing)
        #expect(Primitive.blob([1, 2, 3]).emsJSON() == "AQID")
        #expect(Primitive.variant(.integer(1)).emsJSON() == ["baseType": "INTEGER", "value": 1])
    }
}
