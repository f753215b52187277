import NIOCore
import OutpostWire
import Testing

/// Legal but unusual spellings (C SDK quirks included) are accepted, recorded and reproduced; messages
/// built in code are always canonical.
struct WireSpellingTests {
    private let header = "01 80 00000003 00000000 0000002a 00"

    @Test
    func responseWithZeroPaddingInsteadOfReason_decodesAndReencodesExactly() throws {
        // §3.2: reasonFlag 0, no reason, then strlen("Message Type not supported")+1 zero bytes.
        let bytes = specBytes("\(header) | 00 ff") + [UInt8](repeating: 0, count: 27)
        let message = try AlwaysOnMessage(decoding: bytes)
        #expect(message.body == .response(ResponseBody(status: .badRequest)))
        #expect(message.spelling?.trailingBytes.count == 27)
        #expect(try message.encodedBytes() == bytes)
    }

    @Test
    func builtMessage_sendsAProperReasonAndNoPadding() throws {
        let message = AlwaysOnMessage(
            requestID: 3,
            sessionID: 0x2A,
            body: .response(ResponseBody(status: .badRequest, reason: "Message Type not supported"))
        )
        let bytes = try message.encodedBytes()
        #expect(bytes == specBytes(#"\#(header) | 01 1a "Message Type not supported" ff"#))
        #expect(try AlwaysOnMessage(decoding: bytes).spelling == nil)
    }

    @Test
    func shortStringInFourByteForm_isRecordedByOrdinal() throws {
        let bytes = specBytes(#"01 0a 00000002 00000000 0000002a 00 | 00 0002 04 "Dev1" 80000004 "Dev2""#)
        let message = try AlwaysOnMessage(decoding: bytes)
        #expect(message.body == .bind(BindBody(names: ["Dev1", "Dev2"])))
        #expect(message.spelling?.longFormStrings == [1])
        #expect(try message.encodedBytes() == bytes)
        var canonical = message
        canonical.spelling = nil
        #expect(try canonical.encodedBytes().count == bytes.count - 3)
    }

    @Test
    func invalidUTF8_decodesWithReplacementAndReencodesTheOriginalBytes() throws {
        // "°C" in Latin-1, as a C client might send it.
        let bytes = specBytes("01 0a 00000002 00000000 0000002a 00 | 00 0001 02 b043")
        let message = try AlwaysOnMessage(decoding: bytes)
        #expect(message.body == .bind(BindBody(names: ["\u{FFFD}C"])))
        #expect(message.spelling?.invalidUTF8Strings == [0: [0xB0, 0x43]])
        #expect(try message.encodedBytes() == bytes)
    }

    @Test
    func editedString_dropsTheRecordedRawBytes() throws {
        var message = try AlwaysOnMessage(decoding: specBytes("01 0a 00000002 00000000 0000002a 00 | 00 0001 02 b043"))
        message.body = .bind(BindBody(names: ["Dev1"]))
        #expect(try message.encodedBytes() == specBytes(#"01 0a 00000002 00000000 0000002a 00 | 00 0001 04 "Dev1""#))
    }

    @Test
    func nonCanonicalFlagBytes_areReproducedOnlyWhileTheyMeanTheSame() throws {
        // BOOLEAN written 02, row marker 07, params marker 00 (= no params would be FF; here params follow).
        let bytes = specBytes(#"01 40 00000001 00000000 0000002a 00 | 00 05 | 01 01 "b" 00 02 0000 00 | 07 0001 02 02 | 00"#)
        var message = try AlwaysOnMessage(decoding: bytes)
        #expect(message.spelling?.flagBytes.values.sorted() == [2, 7])
        #expect(try message.encodedBytes() == bytes)
        message.body = .response(ResponseBody(content: InfoTable(fields: [FieldDefinition(name: "b", baseType: .boolean)], rows: [[.boolean(false)]])))
        let edited = try message.encodedBytes()
        #expect(edited == specBytes(#"01 40 00000001 00000000 0000002a 00 | 00 05 | 01 01 "b" 00 02 0000 00 | 07 0001 02 00 | 00"#))
    }

    @Test
    func paramsMarkerOtherThanFive_meansNoParametersAndIsReproduced() throws {
        let bytes = specBytes(#"01 01 00000004 00000000 0000002a 00 | 0a 04 "Dev1" 01 04 "Temp" 00 00"#)
        let message = try AlwaysOnMessage(decoding: bytes)
        guard case .request(let request) = message.body else {
            Issue.record("not a request")
            return
        }
        #expect(request.parameters == nil)
        #expect(try message.encodedBytes() == bytes)
    }

    @Test
    func versionAndMultipartFlag_otherThanOne_areReproduced() throws {
        let bytes = specBytes("07 40 00000007 00000000 0000002a 02 | 0001 0001 2000 | 00 ff")
        let message = try AlwaysOnMessage(decoding: bytes)
        #expect(message.spelling?.version == 7)
        #expect(message.spelling?.multipartFlag == 2)
        #expect(message.header.version == 7)
        #expect(try message.encodedBytes() == bytes)
    }

    @Test
    func gatewayFlagOtherThanOne_readsAsTrue() throws {
        let bytes = specBytes(#"01 0a 00000002 00000000 0000002a 00 | 05 02 "GW" 01 "T" 0000"#)
        let message = try AlwaysOnMessage(decoding: bytes)
        #expect(message.body == .bind(BindBody(gateway: BindBody.Gateway(name: "GW", type: "T"), names: [])))
        #expect(try message.encodedBytes() == bytes)
    }
}
