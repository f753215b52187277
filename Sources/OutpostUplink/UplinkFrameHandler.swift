import NIOCore
import NIOWebSocket

/// What the connection's socket reports to the async side.
enum UplinkChannelEvent: Sendable {
    case frame(WebSocketFrame)
    /// The channel failed (the error) or closed (nil).
    case closed((any Error)?)
}

/// The last handler of an upgraded uplink channel: hands frames to an `AsyncStream` read by
/// ``UplinkConnection``, so all protocol logic runs in structured Swift concurrency.
final class UplinkFrameHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame

    private let continuation: AsyncStream<UplinkChannelEvent>.Continuation
    private var firstError: (any Error)?

    init(continuation: AsyncStream<UplinkChannelEvent>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(.frame(unwrapInboundIn(data)))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if firstError == nil { firstError = error }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.yield(.closed(firstError))
        continuation.finish()
        context.fireChannelInactive()
    }
}

@available(*, unavailable)
extension UplinkFrameHandler: Sendable {}
