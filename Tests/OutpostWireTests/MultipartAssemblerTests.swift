import NIOCore
import OutpostWire
import Testing

/// The C SDK's sender loop (`alwayson.md` §1.7), quirks included: `N = L / E + 1` (an empty last chunk
/// when `L` is a multiple of `E`) and unmarked extra messages for requests just under 8 KiB.
func sdkFrames(_ message: AlwaysOnMessage, chunkSize: Int = 8192) throws -> [ByteBuffer] {
    let bytes = try message.encodedBytes()
    let header = Array(bytes[0..<14])
    let body = Array(bytes[15...])
    var entity: [UInt8] = []
    var dataPerChunk = chunkSize - 21
    if case .request(let request) = message.body {
        entity = [request.entityType.rawValue, UInt8(request.entityName.utf8.count)] + Array(request.entityName.utf8)
        dataPerChunk -= 2 + request.entityName.utf8.count
    }
    let multipart = body.count + 21 > chunkSize
    let count = body.count / dataPerChunk + 1
    var frames: [ByteBuffer] = []
    for number in 1...count {
        let slice = Array(body[min((number - 1) * dataPerChunk, body.count)..<min(number * dataPerChunk, body.count)])
        var frame = header
        if multipart {
            frame += [1, 0, UInt8(number), 0, UInt8(count), UInt8(chunkSize >> 8), UInt8(chunkSize & 0xFF)]
            if number > 1 { frame += entity }
        } else {
            frame += [0]
        }
        frames.append(ByteBuffer(bytes: frame + slice))
    }
    return frames
}

struct MultipartAssemblerTests {
    private let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    private func feed(_ frames: [ByteBuffer], into assembler: inout MultipartAssembler) throws -> [AlwaysOnMessage] {
        var complete: [AlwaysOnMessage] = []
        for frame in frames {
            if let message = try assembler.receive(frame, at: start) { complete.append(message) }
        }
        return complete
    }

    @Test
    func chunksInOrder_reassembleTheMessage() throws {
        let message = SizedMessages.request(bodyLength: 20_000)
        var assembler = MultipartAssembler()
        #expect(try feed(try MultipartSplitter().split(message), into: &assembler) == [message])
        #expect(assembler.partialMessages.isEmpty)
    }

    @Test
    func chunksInReverseAndWithDuplicates_reassembleOnce() throws {
        let message = SizedMessages.response(bodyLength: 30_000)
        let frames = try MultipartSplitter().split(message)
        var assembler = MultipartAssembler()
        let shuffled = [frames[2], frames[0], frames[2], frames[3], frames[0], frames[1]]
        #expect(try feed(shuffled, into: &assembler) == [message])
    }

    @Test
    func singleMessage_passesStraightThrough() throws {
        let message = GoldenVectors.all[0].message
        var assembler = MultipartAssembler()
        #expect(try assembler.receive(try message.encoded()) == message)
    }

    @Test
    func interleavedRequestAndResponseWithTheSameID_areKeptApart() throws {
        let request = SizedMessages.request(id: 5, bodyLength: 9000)
        let response = SizedMessages.response(id: 5, bodyLength: 9000)
        let requestFrames = try MultipartSplitter().split(request)
        let responseFrames = try MultipartSplitter().split(response)
        var assembler = MultipartAssembler()
        let complete = try feed([requestFrames[0], responseFrames[0], responseFrames[1], requestFrames[1]], into: &assembler)
        #expect(complete == [response, request])
    }

    @Test
    func missingChunk_staysPartialUntilDiscarded() throws {
        let frames = try MultipartSplitter().split(SizedMessages.response(id: 11, bodyLength: 20_000))
        var assembler = MultipartAssembler()
        #expect(try feed([frames[0], frames[2]], into: &assembler).isEmpty)
        let partial = try #require(assembler.partialMessages.first)
        #expect(partial.requestID == 11)
        #expect(partial.receivedChunks == 2)
        #expect(partial.chunkCount == 3)
        #expect(partial.startedAt == start)
        #expect(assembler.discardPartialMessages(startedBefore: start).isEmpty)
        #expect(assembler.discardPartialMessages(startedBefore: start + .seconds(50)).map(\.requestID) == [11])
        #expect(assembler.partialMessages.isEmpty)
    }

    @Test
    func conflictingDuplicate_dropsTheSet() throws {
        let frames = try MultipartSplitter().split(SizedMessages.response(bodyLength: 20_000))
        var changed = frames[1]
        changed.setInteger(UInt8(0x00), at: changed.readerIndex + 100)
        var assembler = MultipartAssembler()
        _ = try feed([frames[0], frames[1]], into: &assembler)
        expectWireError(.inconsistentChunk) { _ = try assembler.receive(changed, at: start) }
        #expect(assembler.partialMessages.isEmpty)
    }

    @Test
    func chunkWithAnotherCount_isInconsistent() throws {
        var assembler = MultipartAssembler()
        _ = try assembler.receive(ByteBuffer(bytes: specBytes("01 40 00000001 00000000 0000002a 01 | 0001 0003 2000 | 00")), at: start)
        expectWireError(.inconsistentChunk) {
            _ = try assembler.receive(ByteBuffer(bytes: specBytes("01 40 00000001 00000000 0000002a 01 | 0002 0004 2000 | 00")), at: start)
        }
    }

    @Test
    func oversizedTotal_isRefusedAtTheFirstChunkBeforeBuffering() {
        // 200 chunks × 8192 bytes > 1 MiB.
        var assembler = MultipartAssembler()
        expectWireError(.messageTooLarge, at: 17) {
            _ = try assembler.receive(ByteBuffer(bytes: specBytes("01 40 00000001 00000000 0000002a 01 | 0001 00c8 2000 | 00")), at: start)
        }
        #expect(assembler.partialMessages.isEmpty)
    }

    @Test
    func chunkLongerThanItsDeclaredSize_isRefused() {
        var assembler = MultipartAssembler()
        let frame = specBytes("01 40 00000001 00000000 0000002a 01 | 0001 0002 0016") + [1, 2, 3]
        expectWireError(.inconsistentChunk) { _ = try assembler.receive(ByteBuffer(bytes: frame), at: start) }
    }

    @Test
    func chunkNumberOutOfRange_isRefused() {
        var assembler = MultipartAssembler()
        expectWireError(.chunkOutOfRange, at: 15) {
            _ = try assembler.receive(ByteBuffer(bytes: specBytes("01 40 00000001 00000000 0000002a 01 | 0009 0003 2000")), at: start)
        }
    }

    @Test
    func tooManyOpenSets_isRefused() throws {
        var assembler = MultipartAssembler(maxPartialMessages: 2)
        for id in 1...2 {
            _ = try assembler.receive(ByteBuffer(bytes: specBytes("01 40 0000000\(id) 00000000 0000002a 01 | 0001 0002 2000 | 00")), at: start)
        }
        expectWireError(.tooManyPartialMessages) {
            _ = try assembler.receive(ByteBuffer(bytes: specBytes("01 40 00000003 00000000 0000002a 01 | 0001 0002 2000 | 00")), at: start)
        }
    }

    @Test
    func sdkEmptyFinalChunk_isTolerated() throws {
        let message = SizedMessages.response(bodyLength: 2 * 8171)
        let frames = try sdkFrames(message)
        #expect(frames.map(\.readableBytes) == [8192, 8192, 21])
        var assembler = MultipartAssembler()
        #expect(try feed(frames, into: &assembler) == [message])
    }

    @Test
    func sdkUnmarkedSplitOfANearChunkSizeRequest_isJoined() throws {
        // L in (8165, 8171] for entity Dev1: two messages, neither marked multipart (§1.7).
        let message = SizedMessages.request(bodyLength: 8168)
        let frames = try sdkFrames(message)
        #expect(frames.count == 2)
        #expect(frames.allSatisfy { $0.getInteger(at: $0.readerIndex + 14, as: UInt8.self) == 0 })
        var assembler = MultipartAssembler()
        #expect(try assembler.receive(frames[0], at: start) == nil)
        #expect(assembler.partialMessages.count == 1)
        #expect(try assembler.receive(frames[1], at: start) == message)
        #expect(assembler.partialMessages.isEmpty)
    }

    @Test
    func sdkBareHeaderAfterAnExactChunkSizedResponse_isIgnored() throws {
        let message = SizedMessages.response(bodyLength: 8171)
        let frames = try sdkFrames(message)
        #expect(frames.map(\.readableBytes) == [8186, 15])
        var assembler = MultipartAssembler()
        #expect(try feed(frames, into: &assembler) == [message])
    }

    @Test
    func bareHeaderOutOfTheBlue_isStillAnError() {
        var assembler = MultipartAssembler()
        expectWireError(.truncated, at: 15) {
            _ = try assembler.receive(ByteBuffer(bytes: specBytes("01 40 00000001 00000000 0000002a 00")), at: start)
        }
    }
}
