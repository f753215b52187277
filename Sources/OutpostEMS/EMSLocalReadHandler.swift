import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// Answers local property reads (`GET /Thingworx/Things/LocalEms/Properties/isConnected`, …) on the
/// event loop, without the trip through Hummingbird's per-request async path.
///
/// A local read needs nothing that waits, yet going through the async request path costs several times
/// what the answer itself does: the request part is handed to the connection's task through an async
/// sequence, a request context and logger are made, and the response goes back through an async writer
/// (see `docs/ems-performance.md`). This handler sits after Hummingbird's connection-state handler,
/// so idle time-outs and graceful shutdown see these requests as usual, and in front of the async
/// channel. It takes a request only when ``EMSResponder/localRead(_:clientAddress:)`` answers it
/// (every check passed) and no earlier request of the connection is still being answered by the
/// async path, so pipelined answers keep their order. Everything else passes through untouched.
final class EMSLocalReadHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum Current {
        case idle
        /// Answered here with this JSON body: the answer goes out once the request's end has been read.
        case answering(ByteBuffer)
        /// Passed on to the async path.
        case passing
    }

    private let responder: EMSResponder
    private let dates: HTTPDateCache
    private var current = Current.idle
    /// Requests passed on whose answer has not been written completely yet.
    private var passedUnanswered = 0
    private var clientAddress = "unknown"

    init(responder: EMSResponder, dates: HTTPDateCache) {
        self.responder = responder
        self.dates = dates
    }

    func handlerAdded(context: ChannelHandlerContext) {
        clientAddress = context.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            if passedUnanswered == 0, Self.hasNoBody(request), let body = responder.localRead(request, clientAddress: clientAddress) {
                current = .answering(body)
                return
            }
            current = .passing
            passedUnanswered += 1
            context.fireChannelRead(data)
        case .body:
            if case .answering = current { return }
            context.fireChannelRead(data)
        case .end:
            guard case .answering(let body) = current else {
                current = .idle
                context.fireChannelRead(data)
                return
            }
            current = .idle
            responder.logger.debug(
                "request", metadata: ["outpost.ems.client": "\(clientAddress)", "outpost.ems.method": "GET", "outpost.ems.status": "200"])
            // The fields, and their order, of the same answer from the async path: Content-Type from the
            // responder, Content-Length from the body, Date from the application.
            let head = HTTPResponse(
                status: .ok,
                headerFields: [
                    .contentType: EMSResponder.jsonContentType, .contentLength: String(body.readableBytes), .date: dates.now(),
                ])
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(body)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Only the async path writes through here: count its finished answers.
        if case .end = unwrapOutboundIn(data), passedUnanswered > 0 { passedUnanswered -= 1 }
        context.write(data, promise: promise)
    }

    /// A read with a body, or one that asks for the connection to close, goes the full way.
    private static func hasNoBody(_ request: HTTPRequest) -> Bool {
        for field in request.headerFields {
            switch field.name {
            case .contentLength: if field.value != "0" { return false }
            case .transferEncoding, .connection: return false
            default: continue
            }
        }
        return true
    }
}

/// Wraps the HTTP/1 child channel: puts an ``EMSLocalReadHandler`` between Hummingbird's connection
/// state handler and the async channel it hands to the responder.
struct EMSLocalReadChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let responder: EMSResponder
    let dates: HTTPDateCache

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let state = try operations.context(handlerType: HTTPConnectionStateHandler.self)
            try operations.addHandler(EMSLocalReadHandler(responder: responder, dates: dates), position: .after(state.handler))
            return value
        }
    }

    func handle(value: Base.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
