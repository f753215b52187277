import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// Answers the two requests devices send most, local property reads (`GET …/LocalEms/Properties/
/// isConnected`) and property writes (`PUT …/Things/{thing}/Properties/{name}`), from the event loop
/// instead of Hummingbird's per-request async path.
///
/// The async path hands every request part to the connection's task through an async sequence, makes a
/// request context and logger, and sends the answer back through an async writer; for these requests
/// that cost more than the EMS's own work (`docs/ems-performance.md`). This handler sits after
/// Hummingbird's connection-state handler, so idle time-outs and graceful shutdown count these requests
/// as usual, and in front of the async channel. It takes a request only when the responder's
/// fast-path checks accept it (``EMSResponder/localRead(_:clientAddress:)``,
/// ``EMSResponder/plannedWrite(_:clientAddress:)``): every check passed, and for a write, a valid body
/// that arrived in the same read as its head. Anything else, including every refusal, goes on to the
/// responder untouched, or replayed part for part when the handler held it back.
///
/// Answers keep the requests' order: a request is taken only while no earlier one is still being
/// answered by the async path, and while a write taken here waits for the platform, later requests of
/// the connection wait too (reading from the socket stops until the answer is out).
final class EMSFastPathHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum State {
        case idle
        /// A local read: the answer goes out once the request's end has been read.
        case reading(ByteBuffer)
        /// A write being received; the parts are kept to replay them if the handler lets it go.
        case receiving(EMSResponder.PlannedWrite, head: HTTPRequest, body: [ByteBuffer])
        /// A write waiting for its outcome.
        case writing
        /// Passed on to the async path until its end.
        case passing
    }

    private let responder: EMSResponder
    private let dates: HTTPDateCache
    private var state = State.idle
    /// Requests passed on whose answer has not been written completely yet.
    private var passedUnanswered = 0
    /// Parts read while a write waits, handled once it is answered.
    private var held: [HTTPRequestPart] = []
    /// A read from the socket asked for while a write waited.
    private var readDeferred = false
    private var active = true
    private var clientAddress = "unknown"

    init(responder: EMSResponder, dates: HTTPDateCache) {
        self.responder = responder
        self.dates = dates
    }

    func handlerAdded(context: ChannelHandlerContext) {
        clientAddress = context.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if case .writing = state {
            held.append(part)
            return
        }
        handle(part, context: context)
    }

    private func handle(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        switch (state, part) {
        case (.idle, .head(let request)):
            if passedUnanswered == 0, Self.isPlain(request) {
                if let body = responder.localRead(request, clientAddress: clientAddress) {
                    state = .reading(body)
                    return
                }
                if let write = responder.plannedWrite(request, clientAddress: clientAddress) {
                    state = .receiving(write, head: request, body: [])
                    return
                }
            }
            pass(part, context: context)
        case (.reading, .body):
            return
        case (.reading(let body), .end):
            state = .idle
            send(EMSAnswer(status: .ok, headers: [.contentType: EMSResponder.jsonContentType], body: body), method: "GET", context: context)
        case (.receiving(let write, let head, var body), .body(let chunk)):
            body.append(chunk)
            state = .receiving(write, head: head, body: body)
        case (.receiving(let write, _, let body), .end):
            var joined = body.first ?? ByteBuffer()
            for chunk in body.dropFirst() { joined.writeImmutableBuffer(chunk) }
            guard let message = responder.message(for: write, body: joined) else {
                // The responder words the 400.
                replay(context: context)
                pass(part, context: context)
                return
            }
            state = .writing
            let responder = self.responder
            let promise = context.eventLoop.makePromise(of: EMSAnswer.self)
            responder.submitWrite(message) { promise.succeed($0) }
            promise.futureResult.assumeIsolated().whenSuccess { [self] answer in
                written(answer, context: context)
            }
        case (.passing, _), (.idle, _):
            pass(part, context: context)
        case (.reading, .head), (.receiving, .head), (.writing, _):
            // The decoder sends a head only after the previous request's end.
            pass(part, context: context)
        }
    }

    /// Sends a part on to the async path.
    private func pass(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head:
            state = .passing
            passedUnanswered += 1
        case .end:
            state = .idle
        case .body:
            break
        }
        context.fireChannelRead(wrapInboundOut(part))
    }

    /// Lets a write being received go the full way: its parts so far go on to the async path.
    private func replay(context: ChannelHandlerContext) {
        guard case .receiving(_, let head, let body) = state else { return }
        pass(.head(head), context: context)
        for chunk in body { pass(.body(chunk), context: context) }
    }

    private func written(_ answer: EMSAnswer, context: ChannelHandlerContext) {
        state = .idle
        guard active else { return }
        send(answer, method: "PUT", context: context)
        if !held.isEmpty {
            while !held.isEmpty, !isWriting { handle(held.removeFirst(), context: context) }
            // The async channel hands parts to its task when a read completes, so end this batch as one.
            context.fireChannelReadComplete()
        }
        if readDeferred, !isWriting {
            readDeferred = false
            context.read()
        }
    }

    private var isWriting: Bool {
        if case .writing = state { return true }
        return false
    }

    private func send(_ answer: EMSAnswer, method: String, context: ChannelHandlerContext) {
        if responder.logger.logLevel <= .debug {
            responder.logger.debug(
                "request",
                metadata: ["outpost.ems.client": "\(clientAddress)", "outpost.ems.method": "\(method)", "outpost.ems.status": "\(answer.status.code)"])
        }
        context.write(wrapOutboundOut(.head(answer.head(date: dates.now()))), promise: nil)
        if answer.body.readableBytes > 0 { context.write(wrapOutboundOut(.body(answer.body)), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // A write whose body did not arrive with its head goes the full way, where `content_read_timeout`
        // and the body limit apply as they do to every slow client.
        if case .receiving = state { replay(context: context) }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if case .receiving = state {
            replay(context: context)
            context.fireChannelReadComplete()
        }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        active = false
        if case .receiving = state { replay(context: context) }
        context.fireChannelInactive()
    }

    func read(context: ChannelHandlerContext) {
        if isWriting {
            readDeferred = true
            return
        }
        context.read()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Only the async path writes through here: count its finished answers.
        if case .end = unwrapOutboundIn(data), passedUnanswered > 0 { passedUnanswered -= 1 }
        context.write(data, promise: promise)
    }

    /// Requests with a `Connection` field (close, upgrade, …), chunked bodies or `Expect` go the full way.
    private static func isPlain(_ request: HTTPRequest) -> Bool {
        for field in request.headerFields {
            switch field.name {
            case .transferEncoding, .connection, .expect: return false
            case .contentLength: if request.method == .get && field.value != "0" { return false }
            default: continue
            }
        }
        return true
    }
}

/// Wraps the HTTP/1 child channel: puts an ``EMSFastPathHandler`` between Hummingbird's connection
/// state handler and the async channel it hands to the responder.
struct EMSFastPathChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let responder: EMSResponder
    let dates: HTTPDateCache

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let state = try operations.context(handlerType: HTTPConnectionStateHandler.self)
            try operations.addHandler(EMSFastPathHandler(responder: responder, dates: dates), position: .after(state.handler))
            return value
        }
    }

    func handle(value: Base.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
