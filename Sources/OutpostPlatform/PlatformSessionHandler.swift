import Logging
import NIOCore
import NIOWebSocket
import OutpostWire

/// Speaks AlwaysOn with one edge after the WebSocket upgrade: AUTH against the configured app keys,
/// BIND/UNBIND into the thing store, the edge's requests via ``PlatformRequestHandling``, and responses
/// to requests the platform sent.
///
/// Tolerant as the real platform must be with the C SDK (`alwayson.md` §8): reason padding and trailing
/// bytes (the codec ignores them), an empty final multipart chunk and unmarked splits (the assembler),
/// RSV1 on continuation frames, zero-length control frames, and clients that never answer pings.
final class PlatformSessionHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let session: PlatformSession
    private let settings: PlatformSettings
    private let store: ThingStore
    private let registry: SessionRegistry
    private let logger: Logger
    private var assembler: MultipartAssembler
    private var fragments: ByteBuffer?
    private var closing = false

    init(session: PlatformSession, settings: PlatformSettings, store: ThingStore, registry: SessionRegistry, logger: Logger) {
        self.session = session
        self.settings = settings
        self.store = store
        self.registry = registry
        self.logger = logger
        self.assembler = MultipartAssembler(limits: WireLimits(maxMessageSize: 1 << 22), maxPartialMessages: 64, chunkSize: settings.chunkSize)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        registry.add(session)
        logger.info("edge connected", metadata: ["outpost.platform.remote": "\(session.remoteAddress)"])
    }

    func channelInactive(context: ChannelHandlerContext) {
        let owned = registry.remove(session)
        if !owned.isEmpty { store.setConnected(owned, false, reason: "connection closed") }
        session.failAll()
        logger.info("edge disconnected", metadata: ["outpost.platform.remote": "\(session.remoteAddress)", "outpost.platform.things": "\(owned)"])
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .pong, .text:
            return
        case .connectionClose:
            guard !closing else { return }
            closing = true
            var payload = context.channel.allocator.buffer(capacity: 2)
            payload.writeInteger(UInt16(1000))
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: payload))).whenComplete { _ in
                channel.close(promise: nil)
            }
        case .binary, .continuation:
            if frame.opcode == .binary {
                fragments = frame.unmaskedData
            } else if fragments != nil {
                var payload = frame.unmaskedData
                        fragments!.writeBuffer(&payload)
            } else {
                return
            }
            guard frame.fin, let complete = fragments else { return }
            fragments = nil
            do {
                if let message = try assembler.receive(complete) {
                    handle(message, context: context)
                }
            } catch {
                logger.debug("malformed message from edge dropped", metadata: ["outpost.error": "\(error)"])
            }
        default:
            context.close(promise: nil)
        }
    }

    private func handle(_ message: AlwaysOnMessage, context: ChannelHandlerContext) {
        guard let sessionID = session.sessionID else {
            authenticate(message, context: context)
            return
        }
        switch message.body {
        case .auth:
            reply(message.reply(sessionID: sessionID))
        case .bind(let body):
            let names = body.names + (body.gateway.map { [$0.name] } ?? [])
            session.bind(names)
            registry.bind(names, to: session)
            store.setConnected(names, true)
            reply(message.reply(sessionID: sessionID))
            logger.info("bound", metadata: ["outpost.platform.things": "\(names)"])
        case .unbind(let body):
            let names = body.names + (body.gateway.map { [$0.name] } ?? [])
            session.unbind(names)
            let released = registry.unbind(names, from: session)
            store.setConnected(released, false, reason: "UNBIND")
            reply(message.reply(sessionID: sessionID))
            logger.info("unbound", metadata: ["outpost.platform.things": "\(names)"])
        case .request(let request):
            let response = PlatformRequestHandling(store: store, subscriptions: settings.subscriptions).handle(request)
            let answer = message.reply(response.status, reason: response.reason, content: response.content, sessionID: sessionID)
            // The answer waits for the store's commit (group commit across edges): SUCCESS to a write
            // means the values are on disk. Answers keep their order, as every one takes this path.
            let session = self.session
            let logger = self.logger
            let loop = context.eventLoop
            // A store that cannot commit (closed while the platform stops, disk trouble) answers
            // SERVICE_UNAVAILABLE: nothing is wrong with the request, so the edge keeps it and retries
            // instead of taking it for a refusal (which its outbox would move to the dead letters).
            store.whenCommitted { failure in
                let sent =
                    failure.map {
                        message.reply(
                            .serviceUnavailable, reason: "the platform could not store the values: \($0.message)", sessionID: sessionID)
                    } ?? answer
                let send: @Sendable () -> Void = {
                    do {
                        try session.send(sent)
                    } catch {
                        logger.warning("cannot encode a reply", metadata: ["outpost.error": "\(error)"])
                    }
                }
                if loop.inEventLoop { send() } else { loop.execute(send) }
            }
        case .response:
            if !session.resolve(message) {
                logger.debug("unexpected response from edge", metadata: ["outpost.platform.request": "\(message.requestID)"])
            }
        case .keepAlive, .chunk:
            return
        }
    }

    private func authenticate(_ message: AlwaysOnMessage, context: ChannelHandlerContext) {
        guard case .auth(let auth) = message.body else {
            reply(message.reply(.unauthorized, reason: "authenticate first", sessionID: 0))
            return
        }
        guard let key = auth.appKey, settings.accepts(appKey: key) else {
            logger.warning("AUTH refused: unknown app key", metadata: ["outpost.platform.remote": "\(session.remoteAddress)"])
            closing = true
            do {
                try session.send(message.reply(.unauthorized, reason: "invalid application key", sessionID: 0))
            } catch {}
            var payload = context.channel.allocator.buffer(capacity: 32)
            payload.writeInteger(UInt16(1008))
            payload.writeString("Policy Violation unauthorized")
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: payload))).whenComplete { _ in
                channel.close(promise: nil)
            }
            return
        }
        var generator = SystemRandomNumberGenerator()
        let sessionID = UInt32.random(in: 1...UInt32.max - 1, using: &generator)
        session.sessionID = sessionID
        reply(message.reply(sessionID: sessionID))
    }

    private func reply(_ message: AlwaysOnMessage) {
        do {
            try session.send(message)
        } catch {
            logger.warning("cannot encode a reply", metadata: ["outpost.error": "\(error)"])
        }
    }
}

@available(*, unavailable)
extension PlatformSessionHandler: Sendable {}
