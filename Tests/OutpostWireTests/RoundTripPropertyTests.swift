import NIOCore
import OutpostWire
import Testing

/// Generated values of every base type, random InfoTables and messages survive every round trip.
/// Each test names its seeds; a failure message includes the seed that reproduces it.
struct RoundTripPropertyTests {
    @Test(arguments: 0..<20)
    func primitive_ofEveryBaseType_roundTripsThroughBytes(seed: Int) throws {
        var generator = ValueGenerator(seed: UInt64(seed))
        for type in ValueGenerator.encodableTypes {
            for _ in 0..<5 {
                let value = generator.primitive(type, depth: 1)
                var buffer = ByteBuffer()
                try value.encode(into: &buffer)
                let bytes = Array(buffer.readableBytesView)
                let decoded = try Primitive.decode(from: &buffer)
                #expect(decoded == value, "seed \(seed), \(type)")
                #expect(buffer.readableBytes == 0)
                var again = ByteBuffer()
                try decoded.encode(into: &again)
                #expect(Array(again.readableBytesView) == bytes, "seed \(seed), \(type)")
            }
        }
    }

    @Test(arguments: 0..<200)
    func infoTable_random_roundTripsThroughBytes(seed: Int) throws {
        var generator = ValueGenerator(seed: UInt64(seed) &* 7919)
        let table = generator.infoTable()
        var buffer = ByteBuffer()
        try table.encode(into: &buffer)
        #expect(try InfoTable.decode(from: &buffer) == table, "seed \(seed)")
        #expect(buffer.readableBytes == 0)
    }

    @Test(arguments: 0..<300)
    func message_random_roundTripsThroughBytesAndWireJSON(seed: Int) throws {
        var generator = ValueGenerator(seed: UInt64(seed) &+ 1_000_003)
        let message = generator.message()
        let bytes = try message.encodedBytes()
        let decoded = try AlwaysOnMessage(decoding: bytes)
        #expect(decoded == message, "seed \(seed)")
        #expect(try decoded.encodedBytes() == bytes, "seed \(seed)")
        let text = message.wireJSON().serialized(pretty: seed % 2 == 0)
        let fromJSON = try AlwaysOnMessage(wireJSON: text)
        #expect(fromJSON == message, "seed \(seed): \(text)")
    }

    @Test(arguments: 0..<200)
    func infoTable_regular_roundTripsThroughEMSJSON(seed: Int) throws {
        var generator = ValueGenerator(seed: UInt64(seed) &+ 77, regular: true)
        let table = generator.infoTable()
        let text = table.emsJSONString()
        let back = try InfoTable(emsJSON: text)
        #expect(back == table, "seed \(seed): \(text)")
    }

    @Test(arguments: 0..<50)
    func message_mutatedBytes_decodeOrFailCleanly(seed: Int) throws {
        var generator = ValueGenerator(seed: UInt64(seed) &+ 555)
        var bytes = try generator.message().encodedBytes()
        for _ in 0..<200 {
            let index = generator.int(0...(bytes.count - 1))
            bytes[index] = UInt8(truncatingIfNeeded: generator.random.next())
            switch decodeResult(bytes) {
            case .success(let message):
                #expect(try message.encodedBytes() == bytes, "seed \(seed)")
            case .failure(let error):
                #expect((0...bytes.count).contains(error.offset ?? -1), "seed \(seed): \(error)")
            }
        }
    }
}
