import NIOCore
import OutpostWire
import Testing

struct AlwaysOnMessageTests {
    private let header = "01 40 00000009 00000000 0000002a 00"

    @Test
    func keepAlive_isAHeaderWithoutBody() throws {
        let message = AlwaysOnMessage(requestID: 9, sessionID: 0x2A, body: .keepAlive)
        #expect(try message.encodedBytes() == specBytes("01 1f 00000009 00000000 0000002a 00"))
        #expect(try AlwaysOnMessage(decoding: specBytes("01 1f 00000009 00000000 0000002a 00")) == message)
    }

    @Test
    func auth_carriesTheAuthSessionID() throws {
        let message = AlwaysOnMessage.auth(requestID: 1, appKey: "k")
        #expect(message.sessionID == 0xFFFF_FFFF)
        #expect(message.header.code == .auth)
        guard case .auth(let auth) = message.body else { return }
        #expect(auth.appKey == "k")
    }

    @Test
    func reply_echoesRequestAndEndpointIDs() {
        let request = AlwaysOnMessage(
            requestID: 0x1001,
            endpointID: 7,
            sessionID: 0x2A,
            body: .request(RequestBody(method: .get, entityName: "Dev1", characteristic: .properties, target: "Temp"))
        )
        let reply = request.reply(.notFound, reason: "no such property", sessionID: 0x2B)
        #expect(reply.requestID == 0x1001)
        #expect(reply.endpointID == 7)
        #expect(reply.sessionID == 0x2B)
        #expect(reply.body == .response(ResponseBody(status: .notFound, reason: "no such property")))
    }

    @Test
    func unbind_sharesTheBindLayout() throws {
        let message = AlwaysOnMessage(requestID: 3, sessionID: 0x2A, body: .unbind(BindBody(names: ["Dev1", "Dev2"])))
        let bytes = try message.encodedBytes()
        #expect(bytes == specBytes(#"01 0b 00000003 00000000 0000002a 00 | 00 0002 04 "Dev1" 04 "Dev2""#))
        #expect(try AlwaysOnMessage(decoding: bytes) == message)
    }

    @Test
    func requestHeaders_roundTrip() throws {
        let message = AlwaysOnMessage(
            requestID: 1,
            sessionID: 2,
            body: .request(
                RequestBody(
                    method: .delete,
                    entityType: .subsystem,
                    entityName: "FileTransferSubsystem",
                    characteristic: .events,
                    target: "e",
                    headers: [RequestBody.Header(name: "h", value: "v")]
                )
            )
        )
        #expect(try AlwaysOnMessage(decoding: try message.encodedBytes()) == message)
    }

    @Test(arguments: [UInt8(0x00), 0x05, 0x09, 0x0C, 0x10, 0x13, 0x15, 0x1E, 0x20, 0x3F])
    func decode_undefinedCode_isRejectedAtByteOne(_ code: UInt8) {
        let bytes: [UInt8] = [1, code] + [UInt8](repeating: 0, count: 13) + [0x00, 0xFF]
        expectWireError(.unknownMessageCode, at: 1) { _ = try AlwaysOnMessage(decoding: bytes) }
    }

    @Test
    func decode_unnamedResponseStatus_isStillAResponse() throws {
        let message = try AlwaysOnMessage(decoding: specBytes("01 41 00000001 00000000 00000000 00 | 00 ff"))
        guard case .response(let response) = message.body else {
            Issue.record("not a response")
            return
        }
        #expect(response.status.rawValue == 0x41)
        #expect(response.status.name == "0x41")
    }

    @Test(arguments: [MessageCode.auth, .bind, .unbind, .keepAlive])
    func decode_multipartFlagOnCodeThatCannotBeChunked_isInvalidChunk(_ code: MessageCode) {
        let bytes: [UInt8] = [1, code.rawValue] + [UInt8](repeating: 0, count: 12) + [1, 0, 1, 0, 1, 0x20, 0]
        expectWireError(.invalidChunk, at: 14) { _ = try AlwaysOnMessage(decoding: bytes) }
    }

    @Test
    func decode_chunkNumberOutOfRange_isRejectedAtTheNumber() {
        expectWireError(.chunkOutOfRange, at: 15) {
            _ = try AlwaysOnMessage(decoding: specBytes("\(header.dropLast(2)) 01 | 0004 0003 2000"))
        }
        expectWireError(.chunkOutOfRange, at: 15) {
            _ = try AlwaysOnMessage(decoding: specBytes("\(header.dropLast(2)) 01 | 0000 0003 2000"))
        }
        expectWireError(.invalidChunk, at: 17) {
            _ = try AlwaysOnMessage(decoding: specBytes("\(header.dropLast(2)) 01 | 0001 0000 2000"))
        }
    }

    @Test
    func decode_requestChunk_readsTheRepeatedEntity() throws {
        let bytes = specBytes(#"01 03 00000009 00000000 0000002a 01 | 0002 0003 2000 | 0a 04 "Dev1" | aabbcc"#)
        let message = try AlwaysOnMessage(decoding: bytes)
        guard case .chunk(let chunk) = message.body else {
            Issue.record("not a chunk")
            return
        }
        #expect(chunk.entity == MultipartChunk.Entity(type: .thing, name: "Dev1"))
        #expect(Array(chunk.data.readableBytesView) == [0xAA, 0xBB, 0xCC])
        #expect(try message.encodedBytes() == bytes)
    }

    @Test
    func decode_messageOverTheSizeLimit_isRejectedUpFront() {
        let bytes = specBytes(header) + [0x00, 0xFF] + [UInt8](repeating: 0, count: 100)
        expectWireError(.messageTooLarge, at: 0) {
            _ = try AlwaysOnMessage(decoding: bytes, limits: WireLimits(maxMessageSize: 64))
        }
    }

    @Test
    func decode_fromBuffer_consumesTheWholeMessage() throws {
        var buffer = ByteBuffer(bytes: specBytes("\(header) | 00 ff"))
        _ = try AlwaysOnMessage.decode(from: &buffer)
        #expect(buffer.readableBytes == 0)
        var bad = ByteBuffer(bytes: [1, 0x40])
        #expect(throws: WireError.self) { try AlwaysOnMessage.decode(from: &bad) }
        #expect(bad.readableBytes == 2)
    }

    @Test
    func encode_failure_appendsNothing() {
        let message = AlwaysOnMessage(
            requestID: 1,
            sessionID: 1,
            body: .auth(AuthBody(claims: [AuthBody.Claim](repeating: AuthBody.Claim(name: "a", value: "b"), count: 256)))
        )
        var buffer = ByteBuffer(bytes: [7])
        expectWireError(.notEncodable) { try message.encode(into: &buffer) }
        #expect(Array(buffer.readableBytesView) == [7])
    }

    @Test
    func encode_chunkWithoutEntityForARequest_isNotEncodable() {
        let chunk = MultipartChunk(code: .post, number: 1, count: 1, chunkSize: 8192, entity: nil, data: ByteBuffer())
        let message = AlwaysOnMessage(requestID: 1, sessionID: 1, body: .chunk(chunk))
        expectWireError(.notEncodable) { _ = try message.encodedBytes() }
    }

    @Test
    func statusCodes_mapToHTTPAsTheEMSDoes() {
        #expect(ResponseStatus.success.httpStatus == 200)
        #expect(ResponseStatus.notFound.httpStatus == 404)
        #expect(ResponseStatus.unsupportedContentFormat.httpStatus == 415)
        #expect(ResponseStatus.serviceUnavailable.httpStatus == 503)
        #expect(ResponseStatus.gatewayTimeout.httpStatus == 504)
        #expect(ResponseStatus(rawValue: 0x3F) == nil)
    }

    @Test
    func codeNames_readBack() {
        for raw in UInt8(0)...UInt8(255) {
            let code = MessageCode(rawValue: raw)
            if code.kind != .undefined {
                #expect(MessageCode(name: code.name) == code, "\(code.name)")
            }
        }
        #expect(MessageCode(name: "DEL") == .delete)
        #expect(EntityType(name: "subsystem") == .subsystem)
        #expect(EntityType(name: "0x99")?.rawValue == 0x99)
        #expect(Characteristic(name: "Services") == .services)
        #expect(ResponseStatus(name: "not_found") == .notFound)
    }
}
