public import NIOCore
import NIOTLS

/// Completes its promise when the TLS handshake of its channel completes, and fails it on the first error,
/// when the channel closes, or when the handler is removed first, so a waiting prober always gets an answer
/// however the connection ends. Added after the `NIOSSLClientHandler` by the diagnostic probes: `TLSProbe`
/// (`outpost doctor`) and the EMS's `PortProbe` (LocalEms `TestPort` with `useSSL`).
///
/// Completing an already completed promise is ignored by NIO, so the close that follows a successful
/// handshake changes nothing.
public final class TLSHandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    public typealias InboundIn = ByteBuffer
    private let promise: EventLoopPromise<Void>

    public init(promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event { promise.succeed(()) }
        context.fireUserInboundEventTriggered(event)
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        promise.fail(ChannelError.ioOnClosedChannel)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        promise.fail(ChannelError.eof)
        context.fireChannelInactive()
    }
}
