import OutpostWire
import Testing

/// Expects `body` to throw a `WireError` with this code (and, if given, offset).
func expectWireError(
    _ code: WireError.Code,
    at offset: Int? = nil,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected WireError \(code), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as WireError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        if let offset {
            #expect(error.offset == offset, "\(error)", sourceLocation: sourceLocation)
        }
        #expect(!error.reason.isEmpty, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected WireError \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

/// Decoding as a `Result`, so tests can inspect failures without `as` casts.
func decodeResult(_ bytes: [UInt8], limits: WireLimits = .default) -> Result<AlwaysOnMessage, WireError> {
    Result { () throws(WireError) -> AlwaysOnMessage in try AlwaysOnMessage(decoding: bytes, limits: limits) }
}
