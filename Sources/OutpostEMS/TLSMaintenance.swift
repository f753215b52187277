public import Logging
public import OutpostTLS
public import ServiceLifecycle

/// The EMS's ``TLSMaintenanceLoop`` as a `Service`: reloads the listener's TLS and the trusted CA sets
/// when their files change or on SIGHUP (`outpost cert reload`), and checks expiry of every certificate
/// in ``inventory`` at start and daily. Every outcome is logged: what is now in use, or why new
/// material was refused while the previous stays.
public struct TLSMaintenance: Service {
    public struct Listener: Sendable {
        public var name: String
        public var tls: ServerTLS

        public init(name: String, tls: ServerTLS) {
            self.name = name
            self.tls = tls
        }
    }

    public let loop: TLSMaintenanceLoop
    public let logger: Logger
    public var pollInterval: Duration = .seconds(2)
    public var expiryInterval: Duration = .seconds(86_400)

    public var inventory: TLSInventory { loop.inventory }

    /// - Parameter trusted: Trusted CA sets to keep current besides the listeners
    ///   (`certificates.cert_chain` + `trusted_directory` for edge endpoints).
    public init(listeners: [Listener], trusted: [TrustedCertificates] = [], inventory: TLSInventory, logger: Logger) {
        let members: [any TLSReloadable] = listeners.map(\.tls) + trusted.map { $0 }
        self.loop = TLSMaintenanceLoop(members, inventory: inventory)
        self.logger = logger
    }

    public func run() async throws {
        let logger = self.logger
        await cancelWhenGracefulShutdown {
            await loop.run(pollInterval: pollInterval, expiryInterval: expiryInterval) { $0.log(to: logger) }
        }
    }

    /// Logs one line per certificate with 30 days or fewer left (error once expired).
    public func checkExpiry() {
        for (entry, message) in loop.expiryFindings() { TLSMaintenanceLoop.Event.expiry(entry, message).log(to: logger) }
    }
}
