public import Logging
import NIOConcurrencyHelpers
public import NIOCore
import NIOHTTP1
public import NIOPosix
import NIOSSL
import NIOWebSocket
import OutpostTLS
public import ServiceLifecycle

/// The reference platform as a `Service`: the AlwaysOn WebSocket endpoint (TLS, optional mTLS), the
/// admin HTTP API and the thing store (an SQLite file, appended to as values arrive).
public final class PlatformServer: Service, Sendable {
    /// Where the two listeners ended up (ports are chosen by the OS when configured as 0).
    public struct Addresses: Sendable, Equatable {
        public var alwaysOnPort: Int
        public var adminPort: Int
    }

    public let settings: PlatformSettings
    public let store: ThingStore
    public let registry = SessionRegistry()
    private let logger: Logger
    private let group: any EventLoopGroup
    /// The listeners once bound, and whether ``shutdown()`` was called (possibly before they were).
    private let listeners = NIOLockedValueBox<(channels: [any Channel], stopRequested: Bool)>(([], false))
    private let listening = NIOLockedValueBox<(Addresses?, [CheckedContinuation<Addresses, any Error>])>((nil, []))

    public init(settings: PlatformSettings, logger: Logger, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws(PlatformError) {
        self.settings = settings
        self.logger = logger
        self.group = eventLoopGroup
        self.store = try ThingStore(path: settings.storePath, historyLimit: settings.historyLimit, logger: logger)
        if let imported = store.importedJSON, let path = settings.storePath {
            logger.notice(
                "imported the old JSON thing store into SQLite; the JSON file was kept",
                metadata: ["outpost.platform.store": "\(path)", "outpost.platform.imported": "\(imported)"])
        }
    }

    /// Waits until both listeners are bound.
    public func addresses() async throws -> Addresses {
        try await withCheckedThrowingContinuation { continuation in
            let ready = listening.withLockedValue { state -> Addresses? in
                if let addresses = state.0 { return addresses }
                state.1.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    public func run() async throws {
        let alwaysOn: any Channel
        let admin: NIOAsyncChannel<AdminServer.Connection, Never>
        do {
            do {
                alwaysOn = try await bindAlwaysOn()
            } catch {
                throw PlatformError.cannotListen(.alwaysOn, host: settings.host, port: settings.port, error: error)
            }
            do {
                admin = try await AdminServer.bind(host: settings.adminHost, port: settings.adminPort, group: group)
            } catch {
                alwaysOn.close(promise: nil)
                throw PlatformError.cannotListen(.admin, host: settings.adminHost, port: settings.adminPort, error: error)
            }
        } catch {
            let waiters = listening.withLockedValue { state in defer { state.1 = [] }; return state.1 }
            for waiter in waiters { waiter.resume(throwing: error) }
            throw error
        }
        let addresses = Addresses(
            alwaysOnPort: alwaysOn.localAddress?.port ?? settings.port, adminPort: admin.channel.localAddress?.port ?? settings.adminPort)
        // Known to shutdown() before anyone learns the addresses: a caller that stops the platform as
        // soon as addresses() returns must not find nothing to close (run() would then never return).
        let stopRequested = listeners.withLockedValue { listeners in
            listeners.channels = [alwaysOn, admin.channel]
            return listeners.stopRequested
        }
        if stopRequested {
            alwaysOn.close(promise: nil)
            admin.channel.close(promise: nil)
        }
        let waiters = listening.withLockedValue { state in
            state.0 = addresses
            defer { state.1 = [] }
            return state.1
        }
        for waiter in waiters { waiter.resume(returning: addresses) }
        logger.info(
            "platform listening",
            metadata: [
                "outpost.platform.alwayson": "\(settings.host):\(addresses.alwaysOnPort)\(settings.resource)",
                "outpost.platform.admin": "\(settings.adminHost):\(addresses.adminPort)",
                "outpost.platform.tls": "\(settings.tls != nil)",
            ])
        let api = AdminAPI(settings: settings, store: store, registry: registry)
        let adminServer = AdminServer(api: api, logger: logger)
        let store = self.store
        let logger = self.logger
        do {
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await adminServer.serve(admin) }
                if let tls = settings.serverTLS {
                    // File changes and SIGHUP reload the listener's material; expiry is checked at start and daily.
                    group.addTask { await TLSMaintenanceLoop([tls]).run { $0.log(to: logger) } }
                }
                group.addTask {
                    try await alwaysOn.closeFuture.get()
                    // Stop the admin server (and the TLS watch) with the listener.
                    throw StopServing()
                }
            }
            } onCancel: {
                self.shutdown()
            }
        } onGracefulShutdown: {
            self.shutdown()
        }
        } catch is StopServing {}
        // The last changes, and the file closed; what came in before the listeners closed was committed
        // before its SUCCESS went out, so this only covers connection state.
        store.close()
        logger.info("platform stopped")
    }

    /// Stops listening and disconnects every edge; ``run()`` then returns (at once after binding when
    /// this is called before it has bound).
    public func shutdown() {
        let channels = listeners.withLockedValue { listeners in
            listeners.stopRequested = true
            return listeners.channels
        }
        for channel in channels { channel.close(promise: nil) }
        for session in registry.sessions { session.channel.close(promise: nil) }
    }

    private struct StopServing: Error {}

    private func bindAlwaysOn() async throws -> any Channel {
        let settings = self.settings
        let store = self.store
        let registry = self.registry
        let logger = self.logger
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls = settings.serverTLS {
                        // The newest context for each connection: reloaded material applies to new handshakes only.
                        try channel.pipeline.syncOperations.addHandler(tls.makeServerHandler())
                    }
                    let upgrader = NIOWebSocketServerUpgrader(
                        maxFrameSize: 1 << 20,
                        automaticErrorHandling: true,
                        shouldUpgrade: { channel, head in
                            let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
                            return channel.eventLoop.makeSucceededFuture(path == settings.resource ? HTTPHeaders() : nil)
                        },
                        upgradePipelineHandler: { channel, _ in
                            channel.eventLoop.makeCompletedFuture {
                                let fallback = try channel.pipeline.syncOperations.context(handlerType: NotWebSocketHandler.self)
                                channel.pipeline.syncOperations.removeHandler(context: fallback, promise: nil)
                                let session = PlatformSession(
                                    id: registry.nextID(), channel: channel, chunkSize: settings.chunkSize,
                                    timeout: settings.requestTimeout)
                                try channel.pipeline.syncOperations.addHandler(
                                    PlatformSessionHandler(
                                        session: session, settings: settings, store: store, registry: registry, logger: logger))
                            }
                        })
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                    try channel.pipeline.syncOperations.addHandler(NotWebSocketHandler(resource: settings.resource))
                }
            }
            .bind(host: settings.host, port: settings.port).get()
    }
}

/// Answers any plain HTTP request that did not upgrade with 404, so a wrong path fails fast.
final class NotWebSocketHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let resource: String

    init(resource: String) { self.resource = resource }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        let text = "this endpoint only speaks WebSocket on \(resource)\n"
        var headers = HTTPHeaders()
        headers.add(name: "Content-Length", value: "\(text.utf8.count)")
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .notFound, headers: headers))), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: text.utf8.count)
        buffer.writeString(text)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}

@available(*, unavailable)
extension NotWebSocketHandler: Sendable {}
