import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import NIOWebSocket
import OutpostWire

/// One upgraded WebSocket to the platform: frames in and out, request/response correlation,
/// multipart both ways, ping/pong. The session logic (AUTH, BIND, reconnect) lives in ``Uplink``.
final class UplinkConnection: Sendable {
    let channel: any Channel
    let server: UplinkSettings.Server
    private let events: AsyncStream<UplinkChannelEvent>
    private let settings: UplinkSettings
    private let logger: Logger
    let pending: PendingRequests
    private let state = NIOLockedValueBox(MutableState())

    private struct MutableState {
        var sessionID: UInt32 = 0
        var pongs = 0
    }

    private init(
        channel: any Channel, server: UplinkSettings.Server, events: AsyncStream<UplinkChannelEvent>,
        settings: UplinkSettings, logger: Logger
    ) {
        self.channel = channel
        self.server = server
        self.events = events
        self.settings = settings
        self.logger = logger
        self.pending = PendingRequests(limit: settings.maxInFlight)
    }

    var sessionID: UInt32 {
        get { state.withLockedValue { $0.sessionID } }
        set { state.withLockedValue { $0.sessionID = newValue } }
    }

    var pongCount: Int { state.withLockedValue { $0.pongs } }

    // MARK: - Connecting

    /// TCP, TLS, the upgrade: everything up to the first AlwaysOn message, bounded by `connect_timeout`.
    static func connect(
        to server: UplinkSettings.Server, settings: UplinkSettings, group: any EventLoopGroup, logger: Logger
    ) async throws(UplinkError) -> UplinkConnection {
        let endpoint = server.description
        let diagnostics = AttemptDiagnostics(
            isTLS: settings.tls != nil, presentsClientCertificate: settings.tls?.presentsClientCertificate ?? false)
        let (events, continuation) = AsyncStream<UplinkChannelEvent>.makeStream()
        let request = WebSocketUpgradeRequest(
            path: settings.resource, host: server.host, port: server.port, isTLS: settings.tls != nil,
            maxFrameSize: settings.maxFrameSize, appKey: settings.appKey, key: WebSocketUpgradeRequest.randomKey())
        let maxIncomingFrame = max(settings.maxFrameSize, settings.maxMessageSize + settings.maxMessageSize / 2)
        // The newest certificate material: a renewed client certificate or cert_chain applies from the next connection.
        let tls = settings.tls.map { $0.reloader?.current ?? $0 }
        let host = server.host
        let upgraded = NIOLockedValueBox<EventLoopFuture<Void>?>(nil)

        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.nanoseconds(Int64(settings.connectTimeout.nanoseconds)))
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let promise = channel.eventLoop.makePromise(of: Void.self)
                    upgraded.withLockedValue { $0 = promise.futureResult }
                    if let tls {
                        let sni = tls.sendSNI && !HostAddress.isIPLiteral(host) ? host : nil
                        let handler: NIOSSLClientHandler
                        if tls.trust.needsVerification {
                            let trust = tls.trust
                            handler = try NIOSSLClientHandler(
                                context: tls.context, serverHostname: sni,
                                customVerificationCallback: { certificates, verdict in
                                    let chain = certificates.compactMap { try? $0.toDERBytes() }
                                    verdict.completeWithTask {
                                        if let failure = await trust.evaluate(chainDER: chain, host: host) {
                                            diagnostics.recordVerificationFailure(failure)
                                            return .failed
                                        }
                                        return .certificateVerified
                                    }
                                })
                        } else {
                            handler = try NIOSSLClientHandler(context: tls.context, serverHostname: sni)
                        }
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                    let frames = UplinkFrameHandler(continuation: continuation)
                    try channel.pipeline.syncOperations.addHandler(
                        UplinkUpgradeHandler(
                            request: request, maxFrameSize: maxIncomingFrame, frameHandler: frames,
                            diagnostics: diagnostics, promise: promise))
                }
            }

        let deadline = ContinuousClock.now + settings.connectTimeout
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: server.host, port: server.port).get()
        } catch {
            continuation.finish()
            if let error = error as? ChannelError, case .connectTimeout = error {
                throw UplinkError(.connectTimeout, "connecting to \(endpoint) timed out after \(settings.connectTimeout)")
            }
            throw UplinkError(.connectFailed, "cannot connect to \(endpoint): \(Self.describe(error))")
        }
        do {
            guard let future = upgraded.withLockedValue({ $0 }) else {
                throw UplinkError(.connectFailed, "the connection to \(endpoint) was not initialised")
            }
            let remaining = deadline - ContinuousClock.now
            let timeout = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(max(remaining, .zero).nanoseconds))) {
                channel.close(promise: nil)
            }
            defer { timeout.cancel() }
            do {
                try await future.get()
            } catch {
                if ContinuousClock.now >= deadline {
                    throw UplinkError(.connectTimeout, "TLS and the WebSocket upgrade with \(endpoint) did not finish within \(settings.connectTimeout)")
                }
                throw error
            }
        } catch {
            continuation.finish()
            channel.close(promise: nil)
            throw UplinkError.mapping(error, diagnostics: diagnostics, endpoint: endpoint)
        }
        logger.debug("WebSocket upgraded", metadata: ["outpost.uplink.server": "\(endpoint)"])
        return UplinkConnection(channel: channel, server: server, events: events, settings: settings, logger: logger)
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? NIOConnectionError {
            if let first = error.connectionErrors.first { return "\(first.error)" }
            if let dns = error.dnsAError ?? error.dnsAAAAError { return "host name not resolved (\(dns))" }
        }
        return "\(error)"
    }

    // MARK: - Sending

    /// Encodes `message`, splits it into chunks if it is larger than `message_chunk_size`, and writes
    /// each as masked binary frames no larger than `max_frame_size`.
    func write(_ message: AlwaysOnMessage) async throws {
        try await writeNow(message).get()
    }

    /// Sends a request and waits for the response with the same request id, at most `timeout`.
    func request(_ message: AlwaysOnMessage, timeout: Duration) async throws -> AlwaysOnMessage {
        let id = message.requestID
        let code = message.body.code
        // Described only when something fails: building the text for every request showed in profiles.
        @Sendable func what() -> String { "\(code.name) request \(id)" }
        return try await withCheckedThrowingContinuation { continuation in
            do {
                try pending.add(id, continuation)
            } catch {
                continuation.resume(throwing: error)
                return
            }
            let pending = self.pending
            let scheduled = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout.nanoseconds))) {
                pending.fail(id, UplinkError(.requestTimeout, "\(what()) timed out after \(timeout) (ws_connection.msg_timeout)"))
            }
            pending.attachTimeout(id, scheduled)
            let writeFuture: EventLoopFuture<Void>
            do {
                writeFuture = try self.writeNow(message)
            } catch {
                pending.fail(id, error)
                return
            }
            writeFuture.whenFailure { error in
                pending.fail(id, UplinkError(.connectionClosed, "sending \(what()) failed: \(error)"))
            }
        }
    }

    /// Writes the frames now; the future completes when the last one is flushed.
    private func writeNow(_ message: AlwaysOnMessage) throws -> EventLoopFuture<Void> {
        let splitter = MultipartSplitter(chunkSize: min(settings.chunkSize, Int(UInt16.max)), maxMessageSize: settings.maxMessageSize)
        let chunks: [ByteBuffer]
        do {
            chunks = try splitter.split(message, allocator: channel.allocator)
        } catch {
            if error.code == .messageTooLarge {
                throw UplinkError(.messageTooLarge, "the message exceeds ws_connection.max_msg_size (\(settings.maxMessageSize) bytes)")
            }
            throw UplinkError(.protocolViolation, "cannot encode the message: \(error)")
        }
        var last: EventLoopFuture<Void> = channel.eventLoop.makeSucceededVoidFuture()
        for var chunk in chunks {
            var first = true
            repeat {
                let length = min(chunk.readableBytes, settings.maxFrameSize)
                let slice = chunk.readSlice(length: length)!
                let frame = WebSocketFrame(
                    fin: chunk.readableBytes == 0, opcode: first ? .binary : .continuation, maskKey: .random(), data: slice)
                last = channel.writeAndFlush(frame)
                first = false
            } while chunk.readableBytes > 0
        }
        return last
    }

    func sendPing(_ text: String) {
        var buffer = channel.allocator.buffer(capacity: text.utf8.count)
        buffer.writeString(text)
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .ping, maskKey: .random(), data: buffer), promise: nil)
    }

    /// Sends a close frame (`1000 Normal Close <reason>`, as the C SDK words it) and closes the socket.
    func close(reason: String) async {
        var buffer = channel.allocator.buffer(capacity: 64)
        buffer.writeInteger(UInt16(1000))
        buffer.writeString("Normal Close \(reason)")
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: buffer)
        try? await channel.writeAndFlush(frame).get()
        try? await channel.close()
    }

    func abort() {
        channel.close(promise: nil)
    }

    // MARK: - Receiving

    /// Reads until the connection ends: answers pings, counts pongs, reassembles fragmented and
    /// multipart messages, resolves responses and hands requests to `onRequest`. Always throws the
    /// reason the connection ended.
    func readLoop(onRequest: @escaping @Sendable (AlwaysOnMessage) -> Void) async throws -> Never {
        var assembler = MultipartAssembler(
            limits: WireLimits(maxMessageSize: max(1024, settings.maxMessageSize)), chunkSize: settings.chunkSize)
        var fragments: ByteBuffer?
        let endpoint = server.description
        var ending: UplinkError = UplinkError(.connectionClosed, "\(endpoint) closed the connection")
        defer { pending.close(with: ending) }
        for await event in events {
            switch event {
            case .closed(let error):
                if let error {
                    ending = UplinkError(.connectionClosed, "the connection to \(endpoint) failed: \(error)")
                }
                throw ending
            case .frame(let frame):
                switch frame.opcode {
                case .ping:
                    let payload = frame.unmaskedData
                    channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: payload), promise: nil)
                case .pong:
                    state.withLockedValue { $0.pongs += 1 }
                case .connectionClose:
                    var data = frame.unmaskedData
                    let code = data.readInteger(as: UInt16.self).map(String.init) ?? "no code"
                    let text = data.readString(length: data.readableBytes) ?? ""
                    ending = UplinkError(.connectionClosed, "\(endpoint) closed the WebSocket (\(code)\(text.isEmpty ? "" : ": \(text)"))")
                    channel.close(promise: nil)
                    throw ending
                case .text:
                    continue
                case .binary, .continuation:
                    if frame.opcode == .binary {
                        fragments = frame.unmaskedData
                    } else if fragments != nil {
                        var payload = frame.unmaskedData
                        fragments!.writeBuffer(&payload)
                    } else {
                        continue
                    }
                    if let size = fragments?.readableBytes, size > settings.maxMessageSize + settings.maxMessageSize / 2 {
                        ending = UplinkError(.protocolViolation, "\(endpoint) sent a WebSocket message larger than max_msg_size")
                        channel.close(promise: nil)
                        throw ending
                    }
                    guard frame.fin, let complete = fragments else { continue }
                    fragments = nil
                    do {
                        if let message = try assembler.receive(complete) {
                            dispatch(message, onRequest: onRequest)
                        }
                    } catch {
                        logger.warning(
                            "dropped a malformed message from the platform",
                            metadata: ["outpost.uplink.server": "\(endpoint)", "outpost.error": "\(error)"])
                    }
                default:
                    ending = UplinkError(.protocolViolation, "\(endpoint) sent a frame with unknown opcode \(frame.opcode)")
                    channel.close(promise: nil)
                    throw ending
                }
            }
        }
        throw ending
    }

    private func dispatch(_ message: AlwaysOnMessage, onRequest: @Sendable (AlwaysOnMessage) -> Void) {
        switch message.body {
        case .response:
            if !pending.resolve(message) {
                logger.debug("late or unexpected response ignored", metadata: ["outpost.uplink.request": "\(message.requestID)"])
            }
        case .request:
            onRequest(message)
        case .auth, .bind, .unbind:
            let reply = message.reply(.badRequest, reason: "Message Type not supported", sessionID: sessionID)
            _ = try? writeNow(reply)
        case .keepAlive, .chunk:
            logger.debug("unhandled message ignored", metadata: ["outpost.uplink.code": "\(message.body.code.name)"])
        }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
