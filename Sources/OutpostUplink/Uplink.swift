public import Logging
import NIOConcurrencyHelpers
public import NIOCore
public import NIOPosix
public import OutpostWire
public import ServiceLifecycle
import Foundation

/// The edge side of the platform link, as a `Service`: connects to `ws_servers` in order, authenticates
/// with the app key, binds things, keeps the link alive with pings and reconnects with fleet-safe
/// backoff. On graceful shutdown it unbinds every bound thing and sends a close frame.
///
/// The EMS REST layer uses ``send(_:)`` for edge → platform requests, ``bind(names:)`` /
/// ``unbind(names:)`` for things registered at run time, ``state`` / ``states()`` for `isConnected`
/// and health, and supplies an ``UplinkRequestHandler`` for platform → edge requests.
public final class Uplink: Service, Sendable {
    private let settings: UplinkSettings
    private let handler: any UplinkRequestHandler
    private let logger: Logger
    private let group: any EventLoopGroup
    private let broadcaster = UplinkStateBroadcaster()
    private let stop = StopSignal()
    private let shared: NIOLockedValueBox<Shared>
    private let randomSeed: UInt64?

    private struct Shared {
        /// Things to bind, in registration order (auto_bind first).
        var things: [String]
        /// The live, authenticated connection.
        var connection: UplinkConnection?
        var nextRequestID: UInt32 = 0
    }

    /// - Parameters:
    ///   - randomSeed: Seeds the backoff's random number generator (tests); nil uses the system's.
    public init(
        settings: UplinkSettings,
        handler: any UplinkRequestHandler = NotFoundRequestHandler(),
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        randomSeed: UInt64? = nil
    ) {
        precondition(!settings.servers.isEmpty, "UplinkSettings.servers must not be empty")
        self.settings = settings
        self.handler = handler
        self.logger = logger
        self.group = eventLoopGroup
        self.randomSeed = randomSeed
        var unique: [String] = []
        for name in settings.autoBind where !unique.contains(name) { unique.append(name) }
        self.shared = NIOLockedValueBox(Shared(things: unique))
    }

    // MARK: - Observing

    /// The current state.
    public var state: UplinkState { broadcaster.current }

    /// Connected and authenticated.
    public var isConnected: Bool { state.isConnected }

    /// Every state change, starting with the current state.
    public func states() -> AsyncStream<UplinkState> { broadcaster.stream() }

    /// Things registered for binding (bound whenever the uplink is connected).
    public var registeredThings: [String] { shared.withLockedValue { $0.things } }

    // MARK: - Requests

    /// Sends a request to the platform and waits for its response (any status: the caller maps codes).
    ///
    /// Fails at once with ``UplinkError/Code/notConnected`` while offline and with
    /// ``UplinkError/Code/tooManyRequests`` when `max_messages` requests are in flight; with
    /// ``UplinkError/Code/requestTimeout`` after `msg_timeout`.
    public func send(_ request: RequestBody) async throws(UplinkError) -> ResponseBody {
        let reply = try await exchange(.request(request), what: "request")
        guard case .response(let response) = reply.body else {
            throw UplinkError(.protocolViolation, "the platform answered with a \(reply.body.code.name) message")
        }
        return response
    }

    /// Registers things and, when connected, binds them now (several BIND messages for long lists).
    public func bind(names: [String]) async throws(UplinkError) {
        let added = shared.withLockedValue { shared -> [String] in
            let new = names.filter { !shared.things.contains($0) }
            var seen = Set<String>()
            let unique = new.filter { seen.insert($0).inserted }
            shared.things += unique
            return unique
        }
        guard !added.isEmpty, let connection = currentConnection else { return }
        try await sendBindings(added, unbind: false, on: connection)
        broadcaster.update { state in
            if state.phase == .bound { state.boundThings = (state.boundThings + added) }
        }
    }

    /// Unregisters things and, when connected, sends UNBIND for them.
    public func unbind(names: [String]) async throws(UplinkError) {
        let removed = shared.withLockedValue { shared -> [String] in
            let removed = shared.things.filter { names.contains($0) }
            shared.things.removeAll { names.contains($0) }
            return removed
        }
        guard !removed.isEmpty, let connection = currentConnection else { return }
        broadcaster.update { state in state.boundThings.removeAll { removed.contains($0) } }
        try await sendBindings(removed, unbind: true, on: connection)
    }

    private var currentConnection: UplinkConnection? { shared.withLockedValue { $0.connection } }

    private func nextRequestID() -> UInt32 {
        shared.withLockedValue { shared in
            shared.nextRequestID = shared.nextRequestID &+ 1
            if shared.nextRequestID == 0 { shared.nextRequestID = 1 }
            return shared.nextRequestID
        }
    }

    private func exchange(_ body: MessageBody, what: String, on given: UplinkConnection? = nil) async throws(UplinkError) -> AlwaysOnMessage {
        guard let connection = given ?? currentConnection else {
            if stop.isFired { throw UplinkError(.shuttingDown, "the uplink is shutting down") }
            throw UplinkError(.notConnected, "not connected to the platform; \(state.lastError.map { "last error: \($0.message)" } ?? "connecting")")
        }
        let message = AlwaysOnMessage(requestID: nextRequestID(), sessionID: connection.sessionID, body: body)
        do {
            return try await connection.request(message, timeout: settings.messageTimeout)
        } catch let error as UplinkError {
            throw error
        } catch {
            throw UplinkError(.connectionClosed, "\(what) failed: \(error)")
        }
    }

    /// BIND or UNBIND in messages that each fit one chunk (BIND cannot be multipart).
    private func sendBindings(_ names: [String], unbind: Bool, on connection: UplinkConnection) async throws(UplinkError) {
        let gatewayBytes = settings.gateway.map { $0.name.utf8.count + $0.type.utf8.count + 10 } ?? 0
        let budget = max(64, min(settings.chunkSize, settings.maxMessageSize) - MessageHeader.size - 3 - gatewayBytes - 16)
        var batches: [[String]] = []
        var current: [String] = []
        var size = 0
        for name in names {
            let cost = name.utf8.count + (name.utf8.count < 128 ? 1 : 4)
            if !current.isEmpty && (size + cost > budget || current.count == Int(UInt16.max)) {
                batches.append(current)
                current = []
                size = 0
            }
            current.append(name)
            size += cost
        }
        if !current.isEmpty || (batches.isEmpty && settings.gateway != nil) { batches.append(current) }
        if batches.count > 1 {
            logger.debug("sending partial bind messages", metadata: ["outpost.uplink.batches": "\(batches.count)"])
        }
        for batch in batches {
            let body = BindBody(gateway: settings.gateway, names: batch)
            let reply = try await exchange(unbind ? .unbind(body) : .bind(body), what: unbind ? "UNBIND" : "BIND", on: connection)
            guard case .response(let response) = reply.body, response.status.isSuccess else {
                let status: String
                if case .response(let response) = reply.body { status = response.status.name } else { status = reply.body.code.name }
                throw UplinkError(
                    .bindRejected,
                    "the platform refused \(unbind ? "UNBIND" : "BIND") of \(batch.joined(separator: ", ")) with \(status)")
            }
        }
    }

    // MARK: - Running

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await self.connectLoop()
            } onCancel: {
                self.stop.fire()
            }
        } onGracefulShutdown: {
            self.stop.fire()
        }
    }

    /// Asks a running uplink to shut down gracefully (UNBIND, close), as SIGTERM does via the service group.
    public func shutdown() {
        stop.fire()
    }

    private func connectLoop() async {
        var generator = UplinkRandom(seed: randomSeed)
        var backoff = ReconnectBackoff(policy: settings.reconnect)
        var delay = backoff.initialDelay(using: &generator)
        var serverIndex = 0
        var breakerWasOpen = false
        while !stop.isFired {
            if delay > .zero {
                let due = Date().addingTimeInterval(Double(delay.nanoseconds) / 1e9)
                broadcaster.update { state in
                    state.phase = .waiting
                    state.nextAttempt = due
                }
                logger.debug("next connection attempt", metadata: ["outpost.uplink.delay": "\(delay)"])
                if await stop.wait(upTo: delay) { break }
            }
            let server = settings.servers[serverIndex]
            broadcaster.update { state in
                state.phase = .connecting
                state.server = server.description
                state.nextAttempt = nil
                state.attempts += 1
            }
            let outcome = await session(with: server)
            if stop.isFired, outcome.error == nil { break }
            guard let error = outcome.error else { break }
            let attemptOutcome: AttemptOutcome
            if error.isCredentialRejection {
                attemptOutcome = .credentialsRejected
            } else if let upFor = outcome.authenticatedFor {
                attemptOutcome = .disconnected(after: upFor)
            } else {
                attemptOutcome = .failed
                serverIndex = (serverIndex + 1) % settings.servers.count
            }
            delay = backoff.delay(after: attemptOutcome, using: &generator)
            let breakerOpen = backoff.isBreakerOpen
            let previous = broadcaster.current.lastError
            let due = Date().addingTimeInterval(Double(delay.nanoseconds) / 1e9)
            broadcaster.update { state in
                state.phase = .waiting
                state.nextAttempt = due
                state.lastError = error
                state.lastErrorAt = Date()
                state.breakerOpen = breakerOpen
                state.boundThings = []
                state.sessionID = nil
            }
            if breakerOpen && !breakerWasOpen {
                logger.error(
                    "the platform refused this gateway's credentials; retrying only every \(delay) or longer until it accepts them",
                    metadata: ["outpost.uplink.server": "\(server)", "outpost.error": "\(error.message)"])
            } else if breakerOpen {
                logger.debug("credentials still refused", metadata: ["outpost.error": "\(error.message)", "outpost.uplink.delay": "\(delay)"])
            } else if outcome.authenticatedFor != nil {
                logger.warning("lost the platform connection; reconnecting", metadata: ["outpost.uplink.server": "\(server)", "outpost.error": "\(error.message)", "outpost.uplink.delay": "\(delay)"])
            } else if previous?.code != error.code || previous?.message != error.message {
                logger.error("cannot connect to the platform", metadata: ["outpost.uplink.server": "\(server)", "outpost.error": "\(error.message)", "outpost.uplink.delay": "\(delay)"])
            } else {
                logger.debug("still cannot connect", metadata: ["outpost.error": "\(error.message)", "outpost.uplink.delay": "\(delay)"])
            }
            breakerWasOpen = breakerOpen
        }
        broadcaster.update { state in
            state.phase = .stopped
            state.boundThings = []
            state.nextAttempt = nil
        }
        broadcaster.finish()
        logger.info("uplink stopped")
    }

    private struct SessionOutcome {
        /// nil: ended by a graceful shutdown.
        var error: UplinkError?
        /// How long the session was authenticated, if it got that far.
        var authenticatedFor: Duration?
    }

    /// One connection from connect to its end.
    private func session(with server: UplinkSettings.Server) async -> SessionOutcome {
        let connection: UplinkConnection
        do {
            connection = try await UplinkConnection.connect(to: server, settings: settings, group: group, logger: logger)
        } catch {
            return SessionOutcome(error: error)
        }
        // The material this connection was made with (connect picked up any renewal).
        let generation = settings.tls?.reloader?.currentGeneration ?? 0
        broadcaster.update { $0.phase = .connected }
        let clock = ContinuousClock()
        let authenticatedAt = NIOLockedValueBox<ContinuousClock.Instant?>(nil)
        let primaryError = NIOLockedValueBox<UplinkError?>(nil)
        let handler = self.handler
        let logger = self.logger
        do {
            try await withThrowingDiscardingTaskGroup { group in
                // Requests from the platform are answered in child tasks of this group.
                let requests = AsyncStream<AlwaysOnMessage>.makeStream()
                group.addTask {
                    defer { requests.continuation.finish() }
                    try await connection.readLoop { message in requests.continuation.yield(message) }
                }
                group.addTask {
                    await withDiscardingTaskGroup { handlers in
                        for await message in requests.stream {
                            guard case .request(let request) = message.body else { continue }
                            handlers.addTask {
                                let response = await handler.handle(request)
                                let reply = message.reply(
                                    response.status, reason: response.reason, content: response.content,
                                    sessionID: connection.sessionID)
                                do { try await connection.write(reply) } catch {
                                    logger.debug("could not answer a platform request", metadata: ["outpost.error": "\(error)"])
                                }
                            }
                        }
                    }
                }
                // Graceful shutdown: UNBIND and close while the read loop still delivers the replies.
                group.addTask {
                    await self.stop.wait()
                    guard self.stop.isFired else { return }
                    if authenticatedAt.withLockedValue({ $0 }) != nil {
                        try await self.closeGracefully(connection)
                    } else {
                        await connection.close(reason: "Shutting down")
                    }
                    throw GracefulStop()
                }

                do {
                    try await self.authenticate(connection)
                } catch {
                    // The platform closes right after refusing AUTH: keep the refusal, not the close.
                    primaryError.withLockedValue { $0 = error as? UplinkError }
                    throw error
                }
                authenticatedAt.withLockedValue { $0 = clock.now }
                group.addTask { try await self.keepAlive(connection) }
                if let reloader = self.settings.tls?.reloader {
                    // Renewed certificate files: replace this connection at a jittered moment.
                    group.addTask {
                        try await reloader.waitForRenewal(after: generation)
                        await connection.close(reason: "Reconnecting with renewed TLS material")
                        throw UplinkError(.connectionClosed, "reconnecting with the renewed client certificate or cert_chain")
                    }
                }
                let things = self.registeredThings
                if !things.isEmpty || self.settings.gateway != nil {
                    try await self.sendBindings(things, unbind: false, on: connection)
                }
                self.broadcaster.update { state in
                    if state.phase == .authenticated {
                        state.phase = .bound
                        state.boundThings = things
                    }
                }
                self.logger.info(
                    "connected to the platform",
                    metadata: ["outpost.uplink.server": "\(server)", "outpost.uplink.bound": "\(things.count)"])
                // The group now runs until the connection ends (a child throws) or shutdown.
            }
        } catch is GracefulStop {
            return SessionOutcome(error: nil)
        } catch {
            shared.withLockedValue { if $0.connection === connection { $0.connection = nil } }
            connection.abort()
            let upFor = authenticatedAt.withLockedValue { $0 }.map { clock.now - $0 }
            let mapped =
                primaryError.withLockedValue { $0 } ?? (error as? UplinkError)
                ?? UplinkError(.connectionClosed, "the connection to \(server) ended: \(error)")
            if stop.isFired { return SessionOutcome(error: nil) }
            return SessionOutcome(error: mapped, authenticatedFor: upFor)
        }
        return SessionOutcome(error: nil)
    }

    private struct GracefulStop: Error {}

    private func authenticate(_ connection: UplinkConnection) async throws(UplinkError) {
        let reply = try await exchange(.auth(AuthBody(appKey: settings.appKey)), what: "AUTH", on: connection)
        guard case .response(let response) = reply.body else {
            throw UplinkError(.protocolViolation, "the platform answered AUTH with a \(reply.body.code.name) message")
        }
        guard response.status.isSuccess else {
            let reason = response.reason.map { ": \($0)" } ?? ""
            throw UplinkError(
                .appKeyRejected,
                "the platform refused the app key (\(response.status.name)\(reason)); check appKey in the configuration and that the key is valid on the platform")
        }
        connection.sessionID = reply.sessionID
        shared.withLockedValue { $0.connection = connection }
        let wasBreakerOpen = broadcaster.current.breakerOpen
        broadcaster.update { state in
            state.phase = .authenticated
            state.sessionID = reply.sessionID
            state.sessions += 1
            state.lastError = nil
            state.breakerOpen = false
        }
        if wasBreakerOpen {
            logger.notice("the platform accepts this gateway's credentials again; normal reconnect timing restored")
        }
        logger.debug("authenticated", metadata: ["outpost.uplink.session": "\(reply.sessionID)"])
    }

    /// Pings every `ping_rate` (the first right away) and fails when a pong is late.
    private func keepAlive(_ connection: UplinkConnection) async throws {
        while true {
            let before = connection.pongCount
            connection.sendPing(PingPayload.now())
            try await Task.sleep(for: settings.pongTimeout)
            if connection.pongCount == before {
                throw UplinkError(
                    .pongTimeout,
                    "no pong from \(connection.server) within \(settings.pongTimeout) (ws_connection.pingpong_timeout); reconnecting")
            }
            let rest = settings.pingInterval - settings.pongTimeout
            if rest > .zero { try await Task.sleep(for: rest) }
        }
    }

    /// UNBIND everything, then the close frame, bounded by `shutdownTimeout`.
    private func closeGracefully(_ connection: UplinkConnection) async throws {
        broadcaster.update { $0.phase = .stopping }
        let things = registeredThings
        let timeout = settings.shutdownTimeout
        let logger = self.logger
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                if !things.isEmpty || self.settings.gateway != nil {
                    do {
                        try await self.sendBindings(things, unbind: true, on: connection)
                    } catch {
                        logger.warning("UNBIND at shutdown failed", metadata: ["outpost.error": "\(error)"])
                    }
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        shared.withLockedValue { if $0.connection === connection { $0.connection = nil } }
        await connection.close(reason: "Shutting down")
    }
}
