import NIOCore
import OutpostWire
import Testing

/// Every worked example of `alwayson.md` §5 (and the chunk header of §1.7) and every AlwaysOn frame of
/// `ems-observed.md` §8, with the hex copied from the spec and the message it must decode to.
struct GoldenVector: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let message: AlwaysOnMessage

    var testDescription: String { name }

    init(_ name: String, _ hex: String, _ message: AlwaysOnMessage) {
        self.name = name
        self.bytes = specBytes(hex)
        self.message = message
    }
}

private let session2A: UInt32 = 0x2A
private let sessionC0FFEE: UInt32 = 0x00C0_FFEE

private func request(
    _ id: UInt32,
    session: UInt32 = session2A,
    _ method: RequestMethod,
    _ entity: String,
    _ characteristic: Characteristic,
    _ target: String,
    _ parameters: InfoTable? = nil
) -> AlwaysOnMessage {
    AlwaysOnMessage(
        requestID: id,
        sessionID: session,
        body: .request(
            RequestBody(
                method: method,
                entityName: entity,
                characteristic: characteristic,
                target: target,
                parameters: parameters
            )
        )
    )
}

private func response(
    _ id: UInt32,
    session: UInt32 = session2A,
    _ status: ResponseStatus = .success,
    reason: String? = nil,
    content: InfoTable? = nil
) -> AlwaysOnMessage {
    AlwaysOnMessage(
        requestID: id,
        sessionID: session,
        body: .response(ResponseBody(status: status, reason: reason, content: content))
    )
}

private let pushValues = InfoTable(
    fields: [
        FieldDefinition(name: "name", baseType: .string),
        FieldDefinition(name: "value", baseType: .variant),
        FieldDefinition(name: "time", baseType: .datetime),
        FieldDefinition(name: "quality", baseType: .string),
    ],
    rows: [[.string("Temp"), .variant(.number(21.5)), .datetime(1_704_067_200_000), .string("GOOD")]]
)

private func contentTable(_ json: String) -> InfoTable {
    InfoTable.single("_content_", .json(json))
}

enum GoldenVectors {
    static let alwaysOn: [GoldenVector] = [
        GoldenVector(
            "5a AUTH appKey abc",
            "01 14 00 00 00 01 00 00 00 00 FF FF FF FF 00 01 06 61 70 70 4B 65 79 03 61 62 63",
            .auth(requestID: 1, appKey: "abc")
        ),
        GoldenVector(
            "5a AUTH reply SUCCESS Session ID 0x2A",
            "01 40 00 00 00 01 00 00 00 00 00 00 00 2A 00 00 FF",
            response(1)
        ),
        GoldenVector(
            "5b BIND Dev1",
            "01 0A 00 00 00 02 00 00 00 00 00 00 00 2A 00 00 00 01 04 44 65 76 31",
            AlwaysOnMessage(requestID: 2, sessionID: session2A, body: .bind(BindBody(names: ["Dev1"])))
        ),
        GoldenVector(
            "5b BIND Dev1 with gateway GW type T",
            "01 0A 00 00 00 02 00 00 00 00 00 00 00 2A 00 01 02 47 57 01 54 00 01 04 44 65 76 31",
            AlwaysOnMessage(
                requestID: 2,
                sessionID: session2A,
                body: .bind(BindBody(gateway: BindBody.Gateway(name: "GW", type: "T"), names: ["Dev1"]))
            )
        ),
        GoldenVector(
            "5b BIND reply",
            "01 40 00 00 00 02 00 00 00 00 00 00 00 2A 00 00 FF",
            response(2)
        ),
        GoldenVector(
            "5c PUT Temp 21.5",
            """
            01 02 00 00 00 03 00 00 00 00 00 00 00 2A 00 0A
            04 44 65 76 31 01 04 54 65 6D 70 00 05 01 04 54
            65 6D 70 00 01 00 00 00 01 00 01 01 40 35 80 00
            00 00 00 00 00
            """,
            request(3, .put, "Dev1", .properties, "Temp", .single("Temp", .number(21.5)))
        ),
        GoldenVector(
            "5d SUCCESS reply to PUT",
            "01 40 00 00 00 03 00 00 00 00 00 00 00 2A 00 00 FF",
            response(3)
        ),
        GoldenVector(
            "5e UpdateSubscribedPropertyValues",
            """
            01 03 00 00 00 04 00 00 00 00 00 00 00 2A 00
            0A 04 44 65 76 31
            02 1E 55 70 64 61 74 65 53 75 62 73 63 72 69 62 65 64 50 72 6F 70 65 72 74 79 56 61 6C 75 65 73
            00 05
            01 06 76 61 6C 75 65 73 00 05 00 00
            00
            01 00 01
            05
              01 04 6E 61 6D 65 00 00 00 00
              01 05 76 61 6C 75 65 00 12 00 00
              01 04 74 69 6D 65 00 03 00 00
              01 07 71 75 61 6C 69 74 79 00 00 00 00
              00
              01 00 04
              00 04 54 65 6D 70
              12 01 40 35 80 00 00 00 00 00
              03 00 00 01 8C C2 51 F4 00
              00 04 47 4F 4F 44
              00
            00
            """,
            request(
                4,
                .post,
                "Dev1",
                .services,
                "UpdateSubscribedPropertyValues",
                InfoTable(fields: [FieldDefinition(name: "values", baseType: .infoTable)], rows: [[.infoTable(pushValues)]])
            )
        ),
        GoldenVector(
            "5e reply SUCCESS",
            "01 40 00 00 00 04 00 00 00 00 00 00 00 2A 00 00 FF",
            response(4)
        ),
        GoldenVector(
            "5f NotifyPropertyUpdate from the server",
            """
            01 03 00 00 10 01 00 00 00 00 00 00 00 2A 00 0A 04 44 65 76 31 02 14 4E 6F 74 69 66 79
            50 72 6F 70 65 72 74 79 55 70 64 61 74 65 00 FF
            """,
            request(0x1001, .post, "Dev1", .services, "NotifyPropertyUpdate")
        ),
        GoldenVector(
            "5f edge reply to NotifyPropertyUpdate",
            "01 40 00 00 10 01 00 00 00 00 00 00 00 2A 00 00 FF",
            response(0x1001)
        ),
        GoldenVector(
            "5f GetPropertySubscriptions with options JSON",
            """
            01 03 00 00 00 05 00 00 00 00 00 00 00 2A 00 0A 04 44 65 76 31 02 18 47 65 74 50 72 6F 70 65 72
            74 79 53 75 62 73 63 72 69 70 74 69 6F 6E 73 00 05 01 07 6F 70 74 69 6F 6E 73 00 08 00 00 00 01
            00 01 08 14 7B 22 68 61 73 44 65 61 64 62 61 6E 64 22 3A 74 72 75 65 7D 00
            """,
            request(5, .post, "Dev1", .services, "GetPropertySubscriptions", .single("options", .json(#"{"hasDeadband":true}"#)))
        ),
        GoldenVector(
            "5f server reply with one subscription",
            """
            01 40 00 00 00 05 00 00 00 00 00 00 00 2A 00 00 05 01 08 65 64 67 65 4E 61 6D 65 00 00 00 00 01
            08 70 75 73 68 54 79 70 65 00 00 00 00 01 0D 70 75 73 68 54 68 72 65 73 68 6F 6C 64 00 01 00 00
            00 01 00 03 00 04 54 65 6D 70 00 05 56 41 4C 55 45 01 3F E0 00 00 00 00 00 00 00
            """,
            response(
                5,
                content: InfoTable(
                    fields: [
                        FieldDefinition(name: "edgeName", baseType: .string),
                        FieldDefinition(name: "pushType", baseType: .string),
                        FieldDefinition(name: "pushThreshold", baseType: .number),
                    ],
                    rows: [[.string("Temp"), .string("VALUE"), .number(0.5)]]
                )
            )
        ),
        GoldenVector(
            "1.7 chunk 2 of 3 of response id 7 (header only)",
            "01 40 00 00 00 07 00 00 00 00 00 00 00 2A 01 00 02 00 03 20 00",
            AlwaysOnMessage(
                requestID: 7,
                sessionID: session2A,
                body: .chunk(
                    MultipartChunk(code: ResponseStatus.success.code, number: 2, count: 3, chunkSize: 8192, entity: nil, data: .init())
                )
            )
        ),
    ]

    static let observed: [GoldenVector] = [
        GoldenVector(
            "8.3 AUTH request id 2",
            """
            01140000000200000000ffffffff0001066170704b657924
            30303030303030302d303030302d303030302d303030302d303030303030303030303030
            """,
            .auth(requestID: 2, appKey: "00000000-0000-0000-0000-000000000000")
        ),
        GoldenVector(
            "8.3 AUTH reply Session ID 0x00C0FFEE",
            "01 40 00000002 00000000 00c0ffee 00 | 00 ff",
            response(2, session: sessionC0FFEE)
        ),
        GoldenVector(
            "8.3 BIND ScannerThing",
            "010a000000030000000000c0ffee000000010c5363616e6e65725468696e67",
            AlwaysOnMessage(requestID: 3, sessionID: sessionC0FFEE, body: .bind(BindBody(names: ["ScannerThing"])))
        ),
        GoldenVector(
            "8.3 BIND reply",
            "01 40 00000003 00000000 00c0ffee 00 | 00 ff",
            response(3, session: sessionC0FFEE)
        ),
        GoldenVector(
            "8.5 GET SystemRepository.name",
            #"01 01 00000004 00000000 00c0ffee 00 | 0a 10 "SystemRepository" 01 04 "name" 00 ff"#,
            request(4, session: sessionC0FFEE, .get, "SystemRepository", .properties, "name")
        ),
        GoldenVector(
            "8.5 POST Other.Foo with _content_",
            #"""
            01 03 00000005 00000000 00c0ffee 00 | 0a 05 "Other" 02 03 "Foo" 00 05
            01 09 "_content_" 00 08 0000 | 00 | 01 0001 08 0f '{"a":1,"b":"x"}' | 00
            """#,
            request(5, session: sessionC0FFEE, .post, "Other", .services, "Foo", contentTable(#"{"a":1,"b":"x"}"#))
        ),
        GoldenVector(
            "8.5 PUT ScannerThing.p1 with _content_",
            #"""
            01 02 00000006 00000000 00c0ffee 00 | 0a 0c "ScannerThing" 01 02 "p1" 00 05
            01 09 "_content_" 00 08 0000 | 00 | 01 0001 08 09 '{"p1":42}' | 00
            """#,
            request(6, session: sessionC0FFEE, .put, "ScannerThing", .properties, "p1", contentTable(#"{"p1":42}"#))
        ),
        GoldenVector(
            "8.5 POST GetPropertySubscriptions from the LSR",
            #"""
            01 03 00000020 00000000 00c0ffee 00 | 0a 0c "ScannerThing" 02 18 "GetPropertySubscriptions" 00 05
            01 09 "_content_" 00 08 0000 | 00 | 01 0001 08 02 '{}' | 00
            """#,
            request(0x20, session: sessionC0FFEE, .post, "ScannerThing", .services, "GetPropertySubscriptions", contentTable("{}"))
        ),
        GoldenVector(
            "8.5 platform reply with a reason",
            #"01 40 0000001b 00000000 00c0ffee 00 | 01 10 "some reason text" ff"#,
            response(0x1B, session: sessionC0FFEE, reason: "some reason text")
        ),
        GoldenVector(
            "8.6 platform GET LocalEms.isConnected",
            #"01 01 000007d0 00000000 00c0ffee 00 | 0a 08 "LocalEms" 01 0b "isConnected" 00 ff"#,
            request(0x7D0, session: sessionC0FFEE, .get, "LocalEms", .properties, "isConnected")
        ),
        GoldenVector(
            "8.6 SUCCESS without value",
            "01 40 000007d0 00000000 00c0ffee 00 | 00 ff",
            response(0x7D0, session: sessionC0FFEE)
        ),
        GoldenVector(
            "8.6 NOT_FOUND without content",
            "01 84 000007d5 00000000 00c0ffee 00 | 00 ff",
            response(0x7D5, session: sessionC0FFEE, .notFound)
        ),
        GoldenVector(
            "8.6 property read answer (71 B)",
            #"""
            01 40 000007d1 00000000 00c0ffee 00 | 00 05
               01 0f "cpu_temperature" 00 01 0000 | 01 04 "time" 00 03 0000 | 00
               01 0002 01 404799999999999a 03 000001a202f52530 | 00
            """#,
            response(
                0x7D1,
                session: sessionC0FFEE,
                content: InfoTable(
                    fields: [
                        FieldDefinition(name: "cpu_temperature", baseType: .number),
                        FieldDefinition(name: "time", baseType: .datetime),
                    ],
                    rows: [[.number(47.2), .datetime(1_795_345_950_000)]]
                )
            )
        ),
        GoldenVector(
            "8.6 service answer with aspect (46 B)",
            #"""
            01 40 000007d2 00000000 00c0ffee 00 | 00 05
               01 06 "result" 00 02 0001 07 "persist" 02 00 | 00 | 01 0001 02 01 | 00
            """#,
            response(
                0x7D2,
                session: sessionC0FFEE,
                content: InfoTable(
                    fields: [
                        FieldDefinition(
                            name: "result",
                            baseType: .boolean,
                            aspects: [Aspect(name: "persist", value: .boolean(false))]
                        )
                    ],
                    rows: [[.boolean(true)]]
                )
            )
        ),
        GoldenVector(
            "8.6 LSR 404 answer",
            #"""
            01 84 000007d4 00000000 00c0ffee 00 | 00 05
               01 05 "error" 00 00 0000 | 00 | 01 0001 00 16 "Property '*' not found" | 00
            """#,
            response(
                0x7D4,
                session: sessionC0FFEE,
                .notFound,
                content: InfoTable(
                    fields: [FieldDefinition(name: "error", baseType: .string)],
                    rows: [[.string("Property '*' not found")]]
                )
            )
        ),
        GoldenVector(
            "8.6 platform PUT cpu_temperature 55.5",
            #"""
            01 02 000007d3 00000000 00c0ffee 00 | 0a 0c "ScannerThing"
               01 0f "cpu_temperature" 00 05 | 01 0f "cpu_temperature" 00 01 0000 | 00 | 01 0001 01 404bc00000000000 | 00
            """#,
            request(0x7D3, session: sessionC0FFEE, .put, "ScannerThing", .properties, "cpu_temperature", .single("cpu_temperature", .number(55.5)))
        ),
    ]

    static let all = alwaysOn + observed
}
