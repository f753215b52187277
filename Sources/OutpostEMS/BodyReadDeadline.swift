import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// `content_read_timeout` on the channel: a request whose head arrived but whose end has not within
/// the timeout makes the body stream fail with ``BodyReadTimeout``, which the responder answers with
/// 408 and a close.
///
/// The timer is armed only when a read burst ends in the middle of a request, so the usual request
/// (head, small body and end in one read) costs no timer at all; racing every body read against a
/// `Task.sleep` in a task group cost about 40,000 instructions per request.
final class BodyReadDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    private var inRequest = false
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            inRequest = true
        case .body:
            break
        case .end:
            inRequest = false
            timer?.cancel()
            timer = nil
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if inRequest && timer == nil {
            let timeout = self.timeout
            timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self, context] in
                timer = nil
                guard inRequest else { return }
                context.fireErrorCaught(BodyReadTimeout(timeout: timeout))
            }
        }
        context.fireChannelReadComplete()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }
}

/// The body of a request did not arrive within `content_read_timeout`.
struct BodyReadTimeout: Error, CustomStringConvertible {
    let timeout: TimeAmount
    var description: String { "the request body did not arrive within content_read_timeout (\(timeout.nanoseconds / 1_000_000) ms)" }
}
