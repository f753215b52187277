import NIOCore
import OutpostWire
import Testing

/// Bodies of exact sizes, built from one long STRING value.
enum SizedMessages {
    /// A response whose body is exactly `bodyLength` bytes (≥ 147).
    static func response(id: UInt32 = 7, bodyLength: Int) -> AlwaysOnMessage {
        // Body = reason flag + marker (2) + table (17 + n) for a field "v" holding an n-byte string (n ≥ 128).
        let text = String(repeating: "r", count: bodyLength - 19)
        return AlwaysOnMessage(
            requestID: id,
            sessionID: 0x2A,
            body: .response(ResponseBody(content: .single("v", .string(text))))
        )
    }

    /// A POST to THING `entity`, SERVICES `x`, whose body is exactly `bodyLength` bytes.
    static func request(id: UInt32 = 9, entity: String = "Dev1", bodyLength: Int) -> AlwaysOnMessage {
        // Body = type + name + characteristic + target "x" + header count + marker (7 + |entity| for a
        // short name) + table (17 + n).
        let overhead = 7 + entity.utf8.count + (entity.utf8.count < 128 ? 0 : 3) + 17
        let text = String(repeating: "q", count: bodyLength - overhead)
        return AlwaysOnMessage(
            requestID: id,
            sessionID: 0x2A,
            body: .request(
                RequestBody(method: .post, entityName: entity, characteristic: .services, target: "x", parameters: .single("v", .string(text)))
            )
        )
    }

    static func bodyLength(_ message: AlwaysOnMessage) throws -> Int {
        try message.encodedBytes().count - MessageHeader.size
    }
}

struct MultipartSplitterTests {
    @Test
    func response20000Bytes_splitsAsTheSpecExample() throws {
        let message = SizedMessages.response(bodyLength: 20_000)
        #expect(try SizedMessages.bodyLength(message) == 20_000)
        let frames = try MultipartSplitter().split(message)
        #expect(frames.map(\.readableBytes) == [8192, 8192, 3679])
        // Header of chunk 2 of 3 of response id 7, Session ID 0x2A (§1.7).
        #expect(Array(frames[1].readableBytesView.prefix(21)) == specBytes("01 40 00 00 00 07 00 00 00 00 00 00 00 2A 01 00 02 00 03 20 00"))
    }

    @Test
    func request20000BytesOnDev1_splitsAsTheSpecExample() throws {
        let message = SizedMessages.request(bodyLength: 20_000)
        #expect(try SizedMessages.bodyLength(message) == 20_000)
        let frames = try MultipartSplitter().split(message)
        #expect(frames.map(\.readableBytes) == [8186, 8192, 3697])
        for frame in frames.dropFirst() {
            // Entity type and name repeated after the chunk header.
            #expect(Array(frame.readableBytesView.dropFirst(21).prefix(6)) == specBytes(#"0a 04 "Dev1""#))
        }
    }

    @Test
    func messageThatFits_isOneUnchangedFrame() throws {
        let message = SizedMessages.response(bodyLength: 8171)
        let frames = try MultipartSplitter().split(message)
        #expect(frames.count == 1)
        #expect(Array(frames[0].readableBytesView) == (try message.encodedBytes()))
    }

    @Test
    func bodyOneByteOverTheLimit_isTwoChunks() throws {
        let frames = try MultipartSplitter().split(SizedMessages.response(bodyLength: 8172))
        #expect(frames.map(\.readableBytes) == [8192, 22])
    }

    @Test
    func bodyAnExactMultipleOfTheChunkData_hasNoEmptyFinalChunk() throws {
        // The C SDK would send a third, empty chunk here (§8 item 3).
        let frames = try MultipartSplitter().split(SizedMessages.response(bodyLength: 2 * 8171))
        #expect(frames.map(\.readableBytes) == [8192, 8192])
        #expect(Array(Array(frames[1].readableBytesView)[17..<19]) == [0, 2])
    }

    @Test
    func everyChunk_decodesAsAChunkOfTheRightNumber() throws {
        let frames = try MultipartSplitter(chunkSize: 512).split(SizedMessages.request(bodyLength: 3000))
        for (index, frame) in frames.enumerated() {
            let message = try AlwaysOnMessage(decoding: frame)
            guard case .chunk(let chunk) = message.body else {
                Issue.record("frame \(index) is not a chunk")
                continue
            }
            #expect(Int(chunk.number) == index + 1)
            #expect(Int(chunk.count) == frames.count)
            #expect(chunk.chunkSize == 512)
            #expect(chunk.entity?.name == "Dev1")
            #expect(frame.readableBytes <= 512)
        }
    }

    @Test
    func bindTooLargeForAChunk_isNotEncodable() {
        let names = (0..<2000).map { "Thing\($0)" }
        let message = AlwaysOnMessage(requestID: 1, sessionID: 1, body: .bind(BindBody(names: names)))
        expectWireError(.notEncodable) { _ = try MultipartSplitter().split(message) }
    }

    @Test
    func messageOverTheMaximum_isTooLarge() {
        let splitter = MultipartSplitter(chunkSize: 8192, maxMessageSize: 10_000)
        expectWireError(.messageTooLarge) { _ = try splitter.split(SizedMessages.response(bodyLength: 10_000)) }
    }

    @Test
    func entityNameFillingTheChunk_isNotEncodable() {
        let message = SizedMessages.request(entity: String(repeating: "E", count: 300), bodyLength: 1000)
        expectWireError(.notEncodable) { _ = try MultipartSplitter(chunkSize: 300).split(message) }
    }
}
