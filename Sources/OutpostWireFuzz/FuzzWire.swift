import NIOCore
import OutpostWire

#if OUTPOST_FUZZ

/// libFuzzer's own driver. SwiftPM links an executable target's entry point as `<Module>_main`, so
/// that symbol starts libFuzzer here instead of libFuzzer's `main` (see scripts/fuzz-wire.sh).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("OutpostWireFuzz_main")
public func outpostWireFuzzMain(
    _ argc: CInt,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzWire)
}

/// libFuzzer entry point. Every input must either fail to decode with a `WireError` whose offset lies
/// inside the input, or decode to a message that
/// 1. encodes back to exactly the input bytes,
/// 2. decodes again to an equal message,
/// 3. survives the lossless JSON form (`wireJSON` → text → parse → message) unchanged (inputs up to
///    512 bytes, beyond which the JSON work would dominate),
/// 4. passes through `MultipartAssembler` and the EMS JSON form of its InfoTables without crashing.
/// Any violation traps, which libFuzzer reports as a crash with the input saved.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWire(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let buffer = ByteBuffer(bytes: bytes)
    let message: AlwaysOnMessage
    do {
        message = try AlwaysOnMessage(decoding: buffer)
    } catch {
        guard let offset = error.offset, (0...size).contains(offset) else {
            fatalError("error offset \(String(describing: error.offset)) outside 0...\(size): \(error)")
        }
        return 0
    }

    let encoded: [UInt8]
    do {
        encoded = try message.encodedBytes()
    } catch {
        fatalError("a decoded message failed to encode: \(error)")
    }
    guard encoded == bytes else {
        fatalError("re-encoding changed the bytes:\n in  \(WireHex.encode(bytes))\n out \(WireHex.encode(encoded))")
    }
    guard let again = try? AlwaysOnMessage(decoding: encoded), again == message else {
        fatalError("decode(encode(m)) != m")
    }

    // The JSON round trip costs more than everything else; small inputs exercise all of its paths.
    if size <= 512 {
        checkWireJSON(message)
    }

    var assembler = MultipartAssembler()
    _ = try? assembler.receive(buffer)

    var table: InfoTable? = nil
    switch message.body {
    case .request(let request): table = request.parameters
    case .response(let response): table = response.content
    default: break
    }
    if let table, size <= 512 {
        _ = try? InfoTable(emsJSON: table.emsJSONString())
        _ = table.parametersJSON()
    }
    return 0
}

private func checkWireJSON(_ message: AlwaysOnMessage) {
    let text = message.wireJSON().serialized()
    do {
        let fromJSON = try AlwaysOnMessage(wireJSON: text)
        guard fromJSON == message else {
            fatalError("wire JSON round trip changed the message:\n\(text)")
        }
    } catch {
        fatalError("wire JSON did not read back: \(error)\n\(text)")
    }
}

#else

/// Without `-DOUTPOST_FUZZ` (a normal `swift build`) this target is a stub, so the package builds
/// without libFuzzer.
@main
enum FuzzWireStub {
    static func main() {
        print("OutpostWireFuzz is a libFuzzer target: build and run it with scripts/fuzz-wire.sh [seconds]")
    }
}

#endif
