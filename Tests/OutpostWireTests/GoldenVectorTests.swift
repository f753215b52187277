import NIOCore
import OutpostWire
import Testing

/// Golden vectors: bytes from the specs → the expected message → the same bytes.
struct GoldenVectorTests {
    @Test(arguments: GoldenVectors.all)
    func decode_specBytes_givesExpectedMessage(_ vector: GoldenVector) throws {
        let message = try AlwaysOnMessage(decoding: vector.bytes)
        #expect(message == vector.message)
        #expect(message.spelling == nil)
    }

    @Test(arguments: GoldenVectors.all)
    func encode_expectedMessage_givesSpecBytes(_ vector: GoldenVector) throws {
        #expect(WireHex.encode(try vector.message.encodedBytes(), spaced: true) == WireHex.encode(vector.bytes, spaced: true))
    }

    @Test(arguments: GoldenVectors.all)
    func decodeThenEncode_specBytes_reproducesThem(_ vector: GoldenVector) throws {
        let message = try AlwaysOnMessage(decoding: vector.bytes)
        #expect(try message.encodedBytes() == vector.bytes)
    }

    @Test(arguments: GoldenVectors.all)
    func wireJSON_specMessage_readsBackToSameBytes(_ vector: GoldenVector) throws {
        let text = vector.message.wireJSON().serialized(pretty: true)
        let message = try AlwaysOnMessage(wireJSON: text)
        #expect(message == vector.message)
        #expect(try message.encodedBytes() == vector.bytes)
    }

    /// Sizes the specs state for their examples.
    @Test
    func specVectors_haveTheStatedLengths() {
        let stated: [String: Int] = [
            "5a AUTH appKey abc": 27,
            "5a AUTH reply SUCCESS Session ID 0x2A": 17,
            "5b BIND Dev1": 23,
            "5c PUT Temp 21.5": 53,
            "5d SUCCESS reply to PUT": 17,
            "5e UpdateSubscribedPropertyValues": 153,
            "8.3 AUTH request id 2": 60,
            "8.3 AUTH reply Session ID 0x00C0FFEE": 17,
            "8.3 BIND ScannerThing": 31,
            "8.5 GET SystemRepository.name": 41,
            "8.5 POST Other.Foo with _content_": 66,
            "8.5 PUT ScannerThing.p1 with _content_": 66,
            "8.5 POST GetPropertySubscriptions from the LSR": 81,
            "8.6 property read answer (71 B)": 71,
            "8.6 service answer with aspect (46 B)": 46,
        ]
        for vector in GoldenVectors.all {
            guard let length = stated[vector.name] else { continue }
            #expect(vector.bytes.count == length, "\(vector.name)")
        }
        #expect(Set(GoldenVectors.all.map(\.name)).isSuperset(of: stated.keys))
    }

    @Test
    func decode_putExample_exposesFieldsAtTheirSpecOffsets() throws {
        let vector = GoldenVectors.alwaysOn.first { $0.name == "5c PUT Temp 21.5" }!
        let message = try AlwaysOnMessage(decoding: vector.bytes)
        guard case .request(let request) = message.body else {
            Issue.record("not a request")
            return
        }
        #expect(message.header == MessageHeader(code: .put, requestID: 3, sessionID: 0x2A))
        #expect(request.entityType == .thing)
        #expect(request.parameters?.value("Temp") == .number(21.5))
    }

    @Test
    func decode_messageWithCode0x10_isRejectedAsUnknownCode() {
        // ems-observed.md §8.6: the EMS logs "Unhandled message code: 16" and ignores it.
        let bytes = specBytes("01 10 000007d6 00000000 00c0ffee 00 | 00 ff")
        #expect {
            try AlwaysOnMessage(decoding: bytes)
        } throws: { error in
            guard let error = error as? WireError else { return false }
            return error.code == .unknownMessageCode && error.offset == 1
        }
    }

    @Test
    func header_chunkExample_matchesSpecFields() throws {
        let vector = GoldenVectors.alwaysOn.first { $0.name.hasPrefix("1.7") }!
        let header = try MessageHeader(peekingAt: ByteBuffer(bytes: vector.bytes))
        #expect(header.isMultipart)
        #expect(header.code == ResponseStatus.success.code)
        #expect(header.requestID == 7)
        #expect(header.sessionID == 0x2A)
    }
}
