import Hummingbird
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle

/// The callback listener (`script_resource_host:port`, HTTPS and Basic per settings) that the EMS calls
/// for platform requests to the things.
final class CallbackServer: Sendable {
    let listener: LSRSettings.Listener
    let responder: CallbackResponder
    let logger: Logger
    private let bound = NIOLockedValueBox<BoundState>(BoundState())

    private struct BoundState {
        var address: SocketAddress?
        var failure: String?
        var waiters: [CheckedContinuation<SocketAddress, any Error>] = []
    }

    init(listener: LSRSettings.Listener, things: ThingDirectory, refresh: SubscriptionRefresh, logger: Logger) {
        self.listener = listener
        self.responder = CallbackResponder(things: things, auth: listener.auth, refresh: refresh, logger: logger)
        self.logger = logger
    }

    /// The bound address, once the listener is up (throws if it could not start).
    func address() async throws -> SocketAddress {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<SocketAddress, LSRSetupError>? = bound.withLockedValue { state in
                if let address = state.address { return .success(address) }
                if let failure = state.failure { return .failure(LSRSetupError(failure)) }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(with: ready.mapError { $0 as any Error }) }
        }
    }

    func resolve(_ result: Result<SocketAddress, LSRSetupError>) {
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

    /// Serves until graceful shutdown.
    func run() async throws {
        let configuration = HTTP1Channel.Configuration(idleTimeout: .seconds(60))
        let server: HTTPServerBuilder
        if let tls = listener.serverTLS {
            // The newest context per accepted connection: a rotated certificate or a changed ca.pem
            // applies to new handshakes, established connections keep theirs.
            server = HTTPServerBuilder { responder in
                CallbackTLSChannel(base: HTTP1Channel(responder: responder, configuration: configuration), tls: tls)
            }
        } else {
            server = .http1(configuration: configuration)
        }
        let app = Application(
            responder: responder,
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(listener.host, port: listener.port), reuseAddress: true),
            onServerRunning: { [weak self] channel in
                guard let self, let address = channel.localAddress else { return }
                self.resolve(.success(address))
            },
            logger: logger)
        do {
            // `run()`, not `runService()`: the script resource already runs in `outpost lsr`'s service group,
            // which handles the signals and passes graceful shutdown down; `runService()` would add one more
            // group, named by reflecting over the whole application (see docs/rss.md).
            try await app.run()
        } catch {
            resolve(.failure(LSRSetupError("the callback listener on \(listener.host):\(listener.port) could not start: \(error)")))
            throw error
        }
        resolve(.failure(LSRSetupError("the callback listener stopped")))
    }
}
