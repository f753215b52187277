import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Counts open client connections against `http_server.max_clients` (`ems-lsr.md` §2.3): up to
/// `limit` are served; the next ones, up to twice the limit, get one `503` ("The server is
/// overloaded") and are closed; beyond that a connection is closed without an answer ("critical
/// number of clients reached"), so a flood costs no more than an accept and a close.
final class ConnectionLimiter: Sendable {
    enum Admission: Sendable, Equatable {
        case serve
        /// Answer 503 and close.
        case refuse
        /// Close at once.
        case drop
    }

    let limit: Int
    private let open = NIOLockedValueBox(0)

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Counts a new connection and says what to do with it; every call is paired with ``release()``.
    func admit() -> Admission {
        open.withLockedValue { open in
            open += 1
            if open <= limit { return .serve }
            return open <= 2 * limit ? .refuse : .drop
        }
    }

    func release() {
        open.withLockedValue { $0 -= 1 }
    }

    /// Connections open now.
    var current: Int { open.withLockedValue { $0 } }
}

/// Wraps the HTTP child channel: each accepted connection is admitted by the ``ConnectionLimiter``
/// and released when it closes. A refused connection gets ``OverloadAnswer`` in front of the HTTP
/// handlers (after TLS, so the 503 is readable on an HTTPS port).
struct ConnectionLimitedChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let limiter: ConnectionLimiter
    let logger: Logger

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let admission = limiter.admit()
        let limiter = self.limiter
        channel.closeFuture.whenComplete { _ in limiter.release() }
        switch admission {
        case .serve:
            return base.setup(channel: channel, logger: logger)
        case .refuse:
            self.logger.warning(
                "more than max_clients connections; answering 503", metadata: ["outpost.ems.max_clients": "\(limiter.limit)"])
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(OverloadAnswer())
            }.flatMap {
                base.setup(channel: channel, logger: logger)
            }
        case .drop:
            self.logger.warning(
                "critical number of clients reached (max_clients * 2); closing the connection",
                metadata: ["outpost.ems.max_clients": "\(limiter.limit)"])
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel)
        }
    }

    func handle(value: Base.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension ConnectionLimitedChannel: HTTPChannelHandler where Base: HTTPChannelHandler {
    var responder: HTTPChannelHandler.Responder { base.responder }
}

/// On a connection over the limit: the first bytes of a request are answered with a plain
/// `503 Service Unavailable` and `Retry-After`, then the connection is closed. Nothing reaches the
/// HTTP handlers behind it.
final class OverloadAnswer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let body = #"{"status":503,"error":"Service Unavailable","message":"The server is overloaded. Please, try again later."}"#
    private var answered = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        answered = true
        let head =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\nRetry-After: 1\r\nContent-Length: \(Self.body.utf8.count)\r\nConnection: close\r\n\r\n"
        var out = context.channel.allocator.buffer(capacity: head.utf8.count + Self.body.utf8.count)
        out.writeString(head)
        out.writeString(Self.body)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(out), promise: written)
        written.futureResult.assumeIsolated().whenComplete { [context] _ in
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {}
}
