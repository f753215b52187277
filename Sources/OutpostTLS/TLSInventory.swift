public import Foundation

/// Every certificate this process uses (listeners, the uplink's client certificate, trusted CAs),
/// gathered from their owners on demand so reloads are reflected. Health and metrics read
/// ``status(at:)`` for days-to-expiry per certificate; the expiry check logs from it daily.
public final class TLSInventory: @unchecked Sendable {
    /// One certificate with its expiry state.
    public struct Entry: Sendable, Equatable {
        public let certificate: CertificateInUse
        public let expiry: CertificateExpiry
    }

    private let lock = NSLock()
    private var providers: [@Sendable () -> [CertificateInUse]] = []

    public init() {}

    /// Adds an owner; `provider` is asked each time, so it should answer from current material.
    public func register(_ provider: @escaping @Sendable () -> [CertificateInUse]) {
        lock.withLock { providers.append(provider) }
    }

    /// Adds a listener's certificates.
    public func register(_ tls: ServerTLS) {
        register { tls.certificatesInUse() }
    }

    public func status(at now: Date = Date()) -> [Entry] {
        let providers = lock.withLock { self.providers }
        var entries: [Entry] = []
        for provider in providers {
            for certificate in provider() {
                entries.append(Entry(certificate: certificate, expiry: certificate.expiry(at: now)))
            }
        }
        return entries
    }

    /// The entries that deserve a log line (30 days or fewer left, or expired), with the line.
    public func findings(at now: Date = Date()) -> [(entry: Entry, message: String)] {
        status(at: now).filter { $0.expiry.level > .ok }.map { ($0, CertificateExpiry.message(for: $0.certificate, $0.expiry)) }
    }
}
