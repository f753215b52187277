import Foundation
import Logging
import OutpostConfig
import OutpostSecrets
import OutpostTLS

/// Keeps the uplink's TLS material current: the client certificate and key (`client_cert`,
/// `key_file`) and the trusted CAs (`cert_chain`). When one of those files changes and the new
/// material loads, ``current`` answers with it and ``changes()`` yields, so a connected uplink can
/// reconnect at a jittered moment (gateways renewed together must not all reconnect at once).
/// Material that does not load (wrong passphrase, mismatch, expired, unparsable) is logged with the
/// reason and the previous material stays in use.
public final class UplinkTLSReloader: @unchecked Sendable {
    private let certificates: CertificatesConfig
    private let resolver: SecretResolver
    private let logger: Logger
    private let lock = NSLock()
    private var tls: UplinkSettings.TLS
    private var stamp: FileStamp
    private var generation = 0
    /// Longest random wait between noticing new material and reconnecting.
    public var maxJitter: Duration {
        get { lock.withLock { storedJitter } }
        set { lock.withLock { storedJitter = newValue } }
    }
    private var storedJitter: Duration = .seconds(30)
    /// How often the files are checked.
    public var pollInterval: Duration {
        get { lock.withLock { storedPoll } }
        set { lock.withLock { storedPoll = newValue } }
    }
    private var storedPoll: Duration = .seconds(2)

    init(certificates: CertificatesConfig, resolver: SecretResolver, logger: Logger, initial: UplinkSettings.TLS) {
        self.certificates = certificates
        self.resolver = resolver
        self.logger = logger
        self.tls = initial
        self.stamp = FileStamp.take(Self.watchedPaths(certificates))
    }

    static func watchedPaths(_ certificates: CertificatesConfig) -> [String] {
        var paths = certificates.certChain
        if let directory = certificates.trustedDirectory, !directory.isEmpty {
            paths += [directory] + TrustedCertificates.directoryFiles(directory)
        }
        if let client = certificates.clientCert, !client.isEmpty { paths.append(client) }
        if let key = certificates.keyFile, !key.isEmpty { paths.append(key) }
        return paths
    }

    /// The newest good material; checks the files first (cheap when nothing changed).
    public var current: UplinkSettings.TLS {
        reloadIfChanged()
        return lock.withLock { tls }
    }

    /// Counts successful reloads, so a session can tell whether material changed since it connected.
    public var currentGeneration: Int { lock.withLock { generation } }

    /// Re-reads the files if they changed; true when new material is now in use.
    @discardableResult
    public func reloadIfChanged() -> Bool {
        let now = FileStamp.take(Self.watchedPaths(certificates))
        guard lock.withLock({ now != stamp }) else { return false }
        lock.withLock { stamp = now }
        do {
            var fresh = try UplinkSettings.makeTLS(certificates, resolver: resolver, logger: logger, reloadable: false)
            fresh.sendSNI = lock.withLock { tls.sendSNI }
            lock.withLock {
                tls = fresh
                generation += 1
            }
            logger.notice("uplink TLS material changed (certificates.client_cert, key_file or cert_chain); new connections use it")
            return true
        } catch {
            logger.error("uplink TLS material rejected, the previous stays in use: \(error.message)")
            return false
        }
    }

    /// Waits until new material is in use after `generation`, then for a random moment up to
    /// ``maxJitter``; returns when the connection should be replaced. Ends by cancellation.
    func waitForRenewal(after generation: Int) async throws {
        while currentGeneration == generation {
            try await Task.sleep(for: pollInterval)
            reloadIfChanged()
        }
        let jitter = maxJitter
        let wait = Duration.nanoseconds(Int64.random(in: 0...max(0, jitter.nanoseconds)))
        logger.notice("reconnecting to the platform with the renewed TLS material in \(wait)")
        try await Task.sleep(for: wait)
    }
}
