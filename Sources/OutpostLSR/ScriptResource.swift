import Foundation
public import Logging
import NIOConcurrencyHelpers
public import NIOCore
import OutpostConfig
import OutpostTLS
public import OutpostLua
public import ServiceLifecycle

/// The Lua script resource as a `Service` (`ems-lsr.md` §4): loads every thing of `config.lua` in its
/// own Lua state, serves the EMS's callbacks, and runs each thing's loop (scan, push, registration,
/// tasks). A thing whose template fails to load is reported and left out; the others run.
///
/// Graceful shutdown sets `p_data.run = false`, lets each loop finish its iteration and de-register
/// (RemoveEdgeThing), and stops the listener.
public final class ScriptResource: Service, Sendable {
    public let settings: LSRSettings
    private let logger: Logger
    private let client: EMSClient
    private let health: EMSLinkHealth
    private let refresh = SubscriptionRefresh()
    private let loaded = NIOLockedValueBox<[LuaThing]>([])
    private let board = ScriptStatusBoard()
    private let listening = NIOLockedValueBox<(address: SocketAddress?, waiters: [CheckedContinuation<SocketAddress, any Error>], failure: String?)>((nil, [], nil))

    public init(settings: LSRSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        self.client = EMSClient(connection: settings.ems)
        self.health = EMSLinkHealth(connection: settings.ems, logger: logger)
    }

    /// The things that loaded, once ``run()`` has loaded them.
    public var things: [LuaThing] { loaded.withLockedValue { $0 } }

    /// The callback listener's address once it is up; throws if it could not start.
    public func address() async throws -> SocketAddress {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<SocketAddress, LSRSetupError>? = listening.withLockedValue { state in
                if let address = state.address { return .success(address) }
                if let failure = state.failure { return .failure(LSRSetupError(failure)) }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(with: ready.mapError { $0 as any Error }) }
        }
    }

    private func announce(_ result: Result<SocketAddress, LSRSetupError>) {
        let waiters = listening.withLockedValue { state -> [CheckedContinuation<SocketAddress, any Error>] in
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
        defer { for thing in things { thing.shutdown() } }
        let things = await loadThings()
        loaded.withLockedValue { $0 = things.map(\.0) }
        let server = CallbackServer(listener: settings.listener, things: ThingDirectory(things.map(\.0)), refresh: refresh, logger: logger)
        let runners = NIOLockedValueBox<[ThingRunner]>([])
        do {
            try await withGracefulShutdownHandler {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await server.run() }
                    if let maintenance = self.tlsMaintenance() {
                        let logger = self.logger
                        group.addTask {
                            await cancelWhenGracefulShutdown {
                                await maintenance.run { $0.log(to: logger) }
                            }
                        }
                    }
                    let address: SocketAddress
                    do {
                        address = try await server.address()
                    } catch {
                        announce(.failure(LSRSetupError("\(error)")))
                        throw error
                    }
                    announce(.success(address))
                    for (thing, script) in things {
                        let runner = self.runner(thing, script: script, port: address.port ?? settings.listener.port)
                        runners.withLockedValue { $0.append(runner) }
                        let board = self.board
                        group.addTask {
                            await runner.run()
                            board.set(script.name, "stopped")
                        }
                    }
                    try await group.waitForAll()
                }
            } onGracefulShutdown: {
                let current = runners.withLockedValue { $0 }
                self.board.move(from: "running", to: "stopping")
                Task { for runner in current { await runner.stop() } }
            }
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    /// The listener's TLS and the trusted CAs of the EMS connection, kept current: reloaded when the
    /// files change or on SIGHUP, expiry checked at start and daily. nil when neither uses TLS files.
    private func tlsMaintenance() -> TLSMaintenanceLoop? {
        var members: [any TLSReloadable] = []
        if let tls = settings.listener.serverTLS { members.append(tls) }
        if let trust = settings.ems.trust { members.append(trust) }
        return members.isEmpty ? nil : TLSMaintenanceLoop(members)
    }

    private func loadThings() async -> [(LuaThing, LuaScriptResourceConfig.Script)] {
        let options = LuaRuntime.Options(
            limits: settings.limits, scriptsDirectory: settings.scriptsDirectory, sandbox: true, logger: logger,
            bridge: EMSBridge(client: client, http: ScriptHTTPClient(timeout: settings.httpTimeout), board: board),
            dataDirectory: settings.dataDirectory)
        var things: [(LuaThing, LuaScriptResourceConfig.Script)] = []
        for script in settings.config.scripts { board.set(script.name, script.isThing ? "loading" : "not run") }
        for script in settings.config.things {
            do {
                let thing = try await LuaThing.load(script, config: settings.config, options: options)
                things.append((thing, script))
                board.set(script.name, "running")
                logger.info("thing \(script.name) started from template \(script.template ?? "?") (\(thing.properties.count) properties, \(thing.services.count) services, \(thing.tasks.count) tasks)")
            } catch {
                board.set(script.name, "failed")
                logger.error("thing \(script.name) could not start: \(error.message) (the other things keep running)")
            }
        }
        let others = settings.config.scripts.filter { !$0.isThing }
        for script in others {
            logger.warning("script \(script.name) (file \(script.file)) is not a thing (file = \"thing.lua\") and is not run: plain scripts are not supported yet")
        }
        return things
    }

    private func runner(_ thing: LuaThing, script: LuaScriptResourceConfig.Script, port: Int) -> ThingRunner {
        let listener = settings.listener
        var registration = EdgeRegistration(
            name: thing.registeredName, host: listener.advertisedHost, port: port, proto: listener.scheme,
            keepalive: script.keepAliveRate, timeout: script.requestTimeout,
            user: settings.callbackUser, password: settings.callbackPassword)
        registration.allowSelfSigned = listener.serverTLS != nil && listener.selfSignedCertificate
        return ThingRunner(
            thing: thing, script: script, registration: registration, client: client, health: health, refresh: refresh,
            retryInitial: settings.retryInitial, retryMaximum: settings.retryMaximum, logger: logger)
    }
}
