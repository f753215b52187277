import Foundation
import NIOCore
import NIOPosix
import NIOWebSocket
import OutpostPlatform
@testable import OutpostUplink
import OutpostWire
import Testing
import OutpostTestSupport

/// The platform tolerates what the C SDK client puts on the wire (`alwayson.md` §8): a zero masking
/// key, RSV1 on continuation frames, zero-length control frames, and responses whose reason is replaced
/// by zero padding after the body.
@Suite(.blockingWork)
struct PlatformQuirksTests {
    /// Frames one WebSocket message as the C SDK would: zero mask, `fragments` frames, RSV1 on every
    /// continuation frame.
    private static func framesLikeCSDK(_ bytes: [UInt8], fragments: Int) -> [WebSocketFrame] {
        let size = max(1, (bytes.count + fragments - 1) / fragments)
        var frames: [WebSocketFrame] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + size)
            frames.append(
                WebSocketFrame(
                    fin: end == bytes.count, rsv1: offset > 0, opcode: offset == 0 ? .binary : .continuation,
                    maskKey: WebSocketMaskingKey([0, 0, 0, 0]), data: ByteBuffer(bytes: bytes[offset..<end])))
            offset = end
        }
        return frames
    }

    /// Sends `message` (multipart if large) framed like the C SDK and waits for its response.
    private static func exchangeLikeCSDK(
        _ message: AlwaysOnMessage, on connection: UplinkConnection, fragments: Int = 3
    ) async throws -> AlwaysOnMessage {
        let chunks = try MultipartSplitter().split(message)
        let pending = connection.pending
        let channel = connection.channel
        return try await withCheckedThrowingContinuation { continuation in
            do { try pending.add(message.requestID, continuation) } catch {
                continuation.resume(throwing: error)
                return
            }
            let id = message.requestID
            pending.attachTimeout(
                id, channel.eventLoop.scheduleTask(in: .seconds(5)) { pending.fail(id, TimedOut(description: "no reply to \(id)")) })
            for chunk in chunks {
                for frame in framesLikeCSDK(Array(chunk.readableBytesView), fragments: fragments) {
                    channel.writeAndFlush(frame, promise: nil)
                }
            }
        }
    }

    @Test func platform_toleratesCSDKFraming_andPaddedResponses() async throws {
        let pki = try TestPKI()
        try await withPlatform(pki, requireClientCertificates: false) { platform in
            let settings = try UplinkSettings.forTest(pki, port: platform.addresses.alwaysOnPort, clientCertificate: nil, clientKey: nil)
            let connection = try await UplinkConnection.connect(
                to: settings.servers[0], settings: settings, group: MultiThreadedEventLoopGroup.singleton, logger: testLogger("quirks"))
            let requests = AsyncStream<AlwaysOnMessage>.makeStream()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    defer { requests.continuation.finish() }
                    try await connection.readLoop { requests.continuation.yield($0) }
                }
                // AUTH in three zero-masked fragments, RSV1 on the continuations.
                let auth = try await Self.exchangeLikeCSDK(.auth(requestID: 2, appKey: PlatformUnderTest.appKey), on: connection)
                #expect(auth.body == .response(ResponseBody(status: .success)))
                let sessionID = auth.sessionID
                #expect(sessionID != 0)

                // A zero-length ping is tolerated (answered with an empty pong, which the SDK ignores).
                try await connection.channel.writeAndFlush(
                    WebSocketFrame(fin: true, opcode: .ping, maskKey: WebSocketMaskingKey([0, 0, 0, 0]), data: ByteBuffer())
                ).get()

                let bind = try await Self.exchangeLikeCSDK(
                    AlwaysOnMessage(requestID: 3, sessionID: sessionID, body: .bind(BindBody(names: ["ScannerThing"]))),
                    on: connection, fragments: 1)
                #expect(bind.body == .response(ResponseBody(status: .success)))
                #expect(platform.server.store.thing("ScannerThing")?.isConnected == true)

                // The platform asks; the edge answers as the C SDK does: reasonFlag 0, then the reason's
                // length + 1 in zero bytes after the body.
                let session = try #require(platform.server.registry.session(for: "ScannerThing"))
                async let answer = session.request(
                    RequestBody(method: .post, entityName: "ScannerThing", characteristic: .services, target: "Reboot"))
                var iterator = requests.stream.makeAsyncIterator()
                let request = try #require(await iterator.next())
                var reply = try request.reply(.success, sessionID: sessionID).encodedBytes()
                reply += [UInt8](repeating: 0, count: "Rebooting".utf8.count + 1)
                for frame in Self.framesLikeCSDK(reply, fragments: 2) {
                    try await connection.channel.writeAndFlush(frame).get()
                }
                #expect(try await answer.status == .success)

                // A 20 kB property write: multipart, each chunk in fragments with RSV1.
                let text = String(repeating: "abcdefghij", count: 2_000)
                let put = try await Self.exchangeLikeCSDK(
                    AlwaysOnMessage(
                        requestID: 4, sessionID: sessionID,
                        body: .request(RequestBody(method: .put, entityName: "ScannerThing", characteristic: .properties,
                            target: "Log", parameters: .single("Log", .string(text))))),
                    on: connection)
                #expect(put.body == .response(ResponseBody(status: .success)))
                #expect(platform.server.store.property(thing: "ScannerThing", "Log")?.value == .string(text))

                await connection.close(reason: "test over")
                group.cancelAll()
                _ = try? await group.waitForAll()
            }
        }
    }
}
