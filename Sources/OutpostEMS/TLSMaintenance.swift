import Dispatch
public import Foundation
public import Logging
public import OutpostTLS
public import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps a process's certificates current without restarts: polls the listeners' TLS files and
/// reloads on change, reloads everything on SIGHUP (`outpost cert reload`), and checks expiry of
/// every certificate in ``inventory`` at start and daily (warnings at 30, 14 and 7 days, an error once
/// expired). Every reload outcome is logged: what is now in use, or why new material was refused
/// while the previous stays.
public struct TLSMaintenance: Service {
    public struct Listener: Sendable {
        public var name: String
        public var tls: ServerTLS

        public init(name: String, tls: ServerTLS) {
            self.name = name
            self.tls = tls
        }
    }

    public let listeners: [Listener]
    public let inventory: TLSInventory
    public let logger: Logger
    public var pollInterval: Duration = .seconds(2)
    public var expiryInterval: Duration = .seconds(86_400)

    public init(listeners: [Listener], inventory: TLSInventory, logger: Logger) {
        self.listeners = listeners
        self.inventory = inventory
        self.logger = logger
        for listener in listeners { inventory.register(listener.tls) }
    }

    public func run() async throws {
        let listeners = self.listeners
        let logger = self.logger
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        hangup.setEventHandler {
            logger.info("SIGHUP: re-reading TLS material")
            for listener in listeners { Self.log(listener.tls.reload(force: true), listener: listener.name, logger: logger) }
        }
        hangup.resume()
        defer { hangup.cancel() }
        checkExpiry()
        await cancelWhenGracefulShutdown {
            var sinceExpiryCheck = Duration.zero
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: pollInterval)
                } catch {
                    return
                }
                for listener in listeners { Self.log(listener.tls.reload(), listener: listener.name, logger: logger) }
                sinceExpiryCheck += pollInterval
                if sinceExpiryCheck >= expiryInterval {
                    sinceExpiryCheck = .zero
                    checkExpiry()
                }
            }
        }
    }

    /// Logs one line per certificate with 30 days or fewer left (error once expired).
    public func checkExpiry(at now: Date = Date()) {
        for (entry, message) in inventory.findings(at: now) {
            if entry.expiry.level.isError {
                logger.error("\(message)")
            } else {
                logger.warning("\(message)")
            }
        }
    }

    static func log(_ outcome: ServerTLS.Reload, listener: String, logger: Logger) {
        guard let message = outcome.message(listener: listener) else { return }
        if outcome.isFailure {
            logger.error("\(message)")
        } else {
            logger.notice("\(message)")
        }
    }
}
