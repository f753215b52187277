import NIOCore
import OutpostWire
import Testing

/// Every proper prefix of a message must fail cleanly, with an offset inside the prefix.
struct TruncationTests {
    /// Golden vectors whose bodies end with a required byte (chunks, whose data runs to the end, are
    /// excluded: any prefix of a chunk is a shorter chunk).
    static let vectors = GoldenVectors.all.filter { !$0.name.hasPrefix("1.7") }

    @Test(arguments: vectors)
    func decode_everyPrefix_failsWithTruncationInsideThePrefix(_ vector: GoldenVector) {
        for length in 0..<vector.bytes.count {
            switch decodeResult(Array(vector.bytes.prefix(length))) {
            case .success(let message):
                Issue.record("\(length)-byte prefix decoded as \(message)")
            case .failure(let error):
                #expect(error.code == .truncated || error.code == .lengthExceedsMessage, "\(length): \(error)")
                #expect((0...length).contains(error.offset ?? -1), "\(length): \(error)")
            }
        }
    }

    @Test
    func decode_everyPrefixOfRandomMessages_neverCrashes() throws {
        var generator = ValueGenerator(seed: 0x7A11)
        for _ in 0..<60 {
            let bytes = try generator.message().encodedBytes()
            for length in 0..<bytes.count {
                let prefix = Array(bytes.prefix(length))
                switch decodeResult(prefix) {
                case .success(let message):
                    // Only a chunk (its data runs to the end) can decode; re-encoding must still give
                    // the prefix back.
                    #expect(try message.encodedBytes() == prefix)
                case .failure(let error):
                    #expect((0...length).contains(error.offset ?? -1), "\(error)")
                }
            }
        }
    }
}
