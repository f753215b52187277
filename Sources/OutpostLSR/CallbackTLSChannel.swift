import HummingbirdCore
import Logging
import NIOCore
import OutpostTLS

/// Like HummingbirdTLS's `TLSChannel`, but with the newest context of a reloadable ``ServerTLS`` for
/// each accepted connection (Hummingbird's channel keeps the context it was given at start, which
/// would miss a rotated certificate or a changed client CA).
struct CallbackTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let tls: ServerTLS

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(tls.makeServerHandler())
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Base.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension CallbackTLSChannel: HTTPChannelHandler where Base: HTTPChannelHandler {
    var responder: HTTPChannelHandler.Responder { base.responder }
}
