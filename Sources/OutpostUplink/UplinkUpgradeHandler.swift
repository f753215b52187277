import NIOCore
import NIOSSL
import NIOTLS
import NIOWebSocket

/// Sends the upgrade request byte for byte as the original does, reads the 101, then swaps itself for
/// the WebSocket frame codec and ``UplinkFrameHandler``.
///
/// NIOWebSocket's client upgrader writes its own header set and order, which is why the request is
/// written here by hand (`alwayson.md` §1.2). Bytes after the response head are handed to the frame
/// decoder rather than dropped (the C SDK drops them; a correct server sends none).
final class UplinkUpgradeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let request: WebSocketUpgradeRequest
    private let maxFrameSize: Int
    private let frameHandler: UplinkFrameHandler
    private let diagnostics: AttemptDiagnostics
    private let promise: EventLoopPromise<Void>
    private var received: ByteBuffer?
    private var done = false
    /// A response head larger than this is not a WebSocket upgrade answer.
    private static let maxResponseSize = 16_384

    init(
        request: WebSocketUpgradeRequest, maxFrameSize: Int, frameHandler: UplinkFrameHandler,
        diagnostics: AttemptDiagnostics, promise: EventLoopPromise<Void>
    ) {
        self.request = request
        self.maxFrameSize = maxFrameSize
        self.frameHandler = frameHandler
        self.diagnostics = diagnostics
        self.promise = promise
    }

    func channelActive(context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 320)
        buffer.writeBytes(request.bytes)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            diagnostics.recordHandshakeCompleted()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        var incoming = unwrapInboundIn(data)
        if received == nil { received = incoming } else { received!.writeBuffer(&incoming) }
        guard let buffer = received else { return }
        let view = buffer.readableBytesView
        guard let end = Self.headEnd(view) else {
            if buffer.readableBytes > Self.maxResponseSize {
                fail(context: context, UplinkError(.upgradeRejected, "the platform's upgrade response is larger than \(Self.maxResponseSize) bytes"))
            }
            return
        }
        let headLength = end - view.startIndex
        let head = String(decoding: view[view.startIndex..<end], as: UTF8.self)
        if let problem = request.problem(withResponse: head) {
            fail(context: context, UplinkError(.upgradeRejected, problem))
            return
        }
        done = true
        diagnostics.recordUpgradeCompleted()
        var leftover = buffer
        leftover.moveReaderIndex(forwardBy: headLength + 4)
        received = nil
        do {
            try context.pipeline.syncOperations.addHandlers(
                [
                    ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: maxFrameSize)),
                    WebSocketFrameEncoder(),
                    frameHandler,
                ],
                position: .after(self))
        } catch {
            fail(context: context, error)
            return
        }
        promise.succeed()
        if leftover.readableBytes > 0 {
            context.fireChannelRead(wrapInboundOut(leftover))
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if done {
            context.fireErrorCaught(error)
            return
        }
        fail(context: context, error)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // Torn down without ever becoming active (e.g. the TCP connect failed).
        if !done {
            done = true
            promise.fail(UpgradeClosedError())
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done {
            done = true
            promise.fail(UpgradeClosedError())
        }
        context.fireChannelInactive()
    }

    private func fail(context: ChannelHandlerContext, _ error: any Error) {
        guard !done else { return }
        done = true
        promise.fail(error)
        context.close(promise: nil)
    }

    /// Index of the `\r\n\r\n` that ends the head, if it has arrived.
    private static func headEnd(_ view: ByteBufferView) -> ByteBufferView.Index? {
        var index = view.startIndex
        while index + 3 < view.endIndex {
            if view[index] == 0x0D && view[index + 1] == 0x0A && view[index + 2] == 0x0D && view[index + 3] == 0x0A {
                return index
            }
            index += 1
        }
        return nil
    }
}

@available(*, unavailable)
extension UplinkUpgradeHandler: Sendable {}
