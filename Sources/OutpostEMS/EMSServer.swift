public import Hummingbird
public import OutpostSecrets
import HummingbirdCore
public import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
public import ServiceLifecycle

/// The EMS REST facade as a `Service`: the HTTP(S) listener, the platform → edge forwarder and the
/// probe of bound edge endpoints. Requests for the platform go through `link`; writes through `writes`.
public final class EMSServer: Service, Sendable {
    public let settings: EMSSettings
    public let registry: EdgeRegistry
    /// Answers platform → edge requests; hand it to the uplink as its request handler.
    public let forwarder: EdgeForwarder
    private let link: any PlatformLink
    private let writes: any WriteSink
    private let logger: Logger
    private let local: LocalEmsServices
    private let bound = NIOLockedValueBox<BoundState>(BoundState())
    /// Shared by every connection of this listener, whichever event loop accepted it.
    private let limiter: ConnectionLimiter

    private struct BoundState {
        var address: SocketAddress?
        var failure: String?
        var waiters: [CheckedContinuation<SocketAddress, any Error>] = []
    }

    /// - Parameters:
    ///   - link: The platform connection. It can be attached later through ``LinkBox`` when the
    ///     uplink needs ``forwarder`` at construction.
    public init(
        settings: EMSSettings, link: any PlatformLink, writes: (any WriteSink)? = nil, resolver: SecretResolver? = nil,
        logger: Logger
    ) {
        self.settings = settings
        self.link = link
        self.writes = writes ?? DirectWriteSink(link: link)
        self.logger = logger
        self.registry = EdgeRegistry(settings.bindings)
        self.limiter = ConnectionLimiter(limit: settings.maxClients)
        self.local = LocalEmsServices(
            registry: registry, link: link, resolver: resolver, maskedConfiguration: settings.maskedConfiguration,
            version: settings.version, configFile: settings.configFile, restart: settings.restart,
            certificateReload: settings.certificateReload,
            outbound: OutboundSettings(proxy: settings.proxy, trustRoots: settings.edgeTrustRoots), logger: logger)
        self.forwarder = EdgeForwarder(
            registry: registry, local: local, trustRoots: settings.edgeTrustRoots, trust: settings.edgeTrust,
            connectTimeout: settings.edgeConnectTimeout, logger: logger)
        local.writes.withLockedValue { $0 = self.writes }
    }

    /// Client connections open now, served or being refused (what `max_clients` is checked against).
    public var openConnections: Int { limiter.current }

    /// The address the listener is bound to, once it is.
    public func address() async throws -> SocketAddress {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<SocketAddress, EMSSetupError>? = bound.withLockedValue { state in
                if let address = state.address { return .success(address) }
                if let failure = state.failure { return .failure(EMSSetupError(failure)) }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    private func resolveBound(_ result: Result<SocketAddress, EMSSetupError>) {
        let waiters = bound.withLockedValue { state -> [CheckedContinuation<SocketAddress, any Error>] in
            guard state.address == nil && state.failure == nil else { return [] }
            switch result {
            case .success(let address): state.address = address
            case .failure(let error): state.failure = error.message
            }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(with: result.mapError { $0 as any Error }) }
    }

    public func run() async throws {
        do {
            try await serve()
        } catch {
            resolveBound(.failure(EMSSetupError("\(error)")))
            await forwarder.shutdown()
            throw error
        }
        resolveBound(.failure(EMSSetupError("the EMS listener stopped")))
        await forwarder.shutdown()
    }

    private func serve() async throws {
        let port = try await choosePort()
        let responder = EMSResponder(
            settings: settings, link: link, writes: writes, registry: registry, local: local,
            throttle: LoginThrottle(limit: settings.failedLoginLimit, window: settings.failedLoginWindow), logger: logger)
        let limiter = self.limiter
        let logger = self.logger
        let emsResponder = responder
        let dates = HTTPDateCache()
        let idle = TimeAmount.milliseconds(Int64(settings.idleTimeout.components.seconds * 1000))
        let bodyTimeout = TimeAmount.nanoseconds(
            Int64(settings.contentReadTimeout.components.seconds) * 1_000_000_000 + settings.contentReadTimeout.components.attoseconds / 1_000_000_000)
        let channelConfiguration = HTTP1Channel.Configuration(
            additionalChannelHandlers: [BodyReadDeadline(timeout: bodyTimeout)], idleTimeout: idle)
        let server: HTTPServerBuilder
        if let tls = settings.serverTLS {
            server = HTTPServerBuilder { responder in
                EMSTLSChannel(
                    base: ConnectionLimitedChannel(
                        base: EMSFastPathChannel(
                            base: HTTP1Channel(responder: responder, configuration: channelConfiguration), responder: emsResponder, dates: dates),
                        limiter: limiter, logger: logger),
                    tls: tls)
            }
        } else {
            server = HTTPServerBuilder { responder in
                ConnectionLimitedChannel(
                    base: EMSFastPathChannel(
                        base: HTTP1Channel(responder: responder, configuration: channelConfiguration), responder: emsResponder, dates: dates),
                    limiter: limiter, logger: logger)
            }
        }
        let app = Application(
            responder: responder,
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(settings.host, port: port), reuseAddress: true),
            services: [EdgeProber(registry: registry, forwarder: forwarder, link: link, settings: settings, logger: logger)],
            onServerRunning: { [weak self] channel in
                guard let self, let address = channel.localAddress else { return }
                self.resolveBound(.success(address))
                self.logger.info("http server bound to port=\(address.port ?? 0)")
            },
            // Hummingbird sets a request id on this logger for every request.
            logger: logger.deferringMetadata())
        // `run()`, not `runService()`: this server already runs as a service of `outpost ems`'s group, which handles
        // SIGTERM/SIGINT and passes graceful shutdown down; `runService()` would wrap the application in one more
        // group, which names it with "\(app)": a reflection over every stored field of the application, its
        // router and responder (a quarter of start-up's instructions; see docs/rss.md).
        try await app.run()
    }

    /// `port`, or the first free one of port+1 … port+ports_to_try.
    private func choosePort() async throws -> Int {
        guard settings.port != 0, settings.portsToTry > 0 else { return settings.port }
        let last = min(65535, settings.port + settings.portsToTry)
        for candidate in settings.port...last {
            do {
                let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .bind(host: settings.host, port: candidate).get()
                try await channel.close()
                return candidate
            } catch {
                logger.warning("unable to bind http server to port=\(candidate), trying next port")
            }
        }
        throw EMSSetupError("unable to bind http server to any port from \(settings.port) to \(last)")
    }
}

