import HummingbirdCore
import Logging
import NIOCore
import NIOSSL
import OutpostTLS

/// First handler on a TLS port: a TLS handshake starts with byte 0x16; anything else is someone
/// speaking plain HTTP (or garbage) to the HTTPS port. They get a short 400 in clear text and the
/// connection is closed, instead of the original's silent hang (decisions table).
final class PlainHTTPRejecter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let hint = "This port speaks HTTPS: use https:// instead of http://.\n"

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return }
        if first == 0x16 {
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        let body = Self.hint
        let head =
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
        var out = context.channel.allocator.buffer(capacity: head.utf8.count + body.utf8.count)
        out.writeString(head)
        out.writeString(body)
        let closed = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(out), promise: closed)
        closed.futureResult.assumeIsolated().whenComplete { [context] _ in
            context.close(promise: nil)
        }
    }
}

/// Like HummingbirdTLS's `TLSChannel`, with ``PlainHTTPRejecter`` in front of the TLS handler, and
/// the newest context of a reloadable ``ServerTLS`` for each accepted connection (Hummingbird's
/// channel keeps one fixed context, which would miss a changed client CA).
struct EMSTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let tls: ServerTLS

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(PlainHTTPRejecter())
            try channel.pipeline.syncOperations.addHandler(tls.makeServerHandler())
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Base.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension EMSTLSChannel: HTTPChannelHandler where Base: HTTPChannelHandler {
    var responder: HTTPChannelHandler.Responder { base.responder }
}
