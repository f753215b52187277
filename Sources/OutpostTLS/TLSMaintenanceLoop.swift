import Dispatch
public import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps a process's TLS material current without restarts, the same way for every component (EMS,
/// script resource, platform): polls the files of every ``TLSReloadable`` and reloads on change,
/// reloads everything on SIGHUP (`outpost cert reload --pid`) or on request (``reloadAll(force:now:)``,
/// the LocalEms `ReloadCertificates` service), and checks expiry of every certificate in ``inventory``
/// at start and daily (warnings at 30, 14 and 7 days, an error once expired).
///
/// It does not log: every outcome goes to the caller's `events` closure, which logs with its own logger.
public final class TLSMaintenanceLoop: Sendable {
    /// Something worth a log line.
    public enum Event: Sendable {
        /// A reload attempt that changed something or was refused (never ``TLSReloadReport/Status/unchanged``).
        case reload(TLSReloadReport)
        /// SIGHUP arrived; a forced reload of everything follows.
        case hangup
        /// A certificate with 30 days or fewer left (or expired), with its line.
        case expiry(TLSInventory.Entry, String)
    }

    public let members: [any TLSReloadable]
    public let inventory: TLSInventory

    /// Registers every member with `inventory`.
    public init(_ members: [any TLSReloadable], inventory: TLSInventory = TLSInventory()) {
        self.members = members
        self.inventory = inventory
        for member in members { inventory.register { member.certificatesInUse() } }
    }

    /// Reloads every member (only changed files unless `force`); one report per member.
    ///
    /// Blocking (file I/O, key derivation).
    public func reloadAll(force: Bool, now: Date = Date()) -> [TLSReloadReport] {
        members.map { $0.reloadMaterial(force: force, now: now) }
    }

    /// Findings of the expiry check, one per certificate with 30 days or fewer left.
    public func expiryFindings(at now: Date = Date()) -> [(entry: TLSInventory.Entry, message: String)] {
        inventory.findings(at: now)
    }

    /// Checks expiry now, then until cancelled: polls every `pollInterval`, checks expiry every
    /// `expiryInterval`, and (when `hangup`) reloads everything on SIGHUP.
    public func run(
        pollInterval: Duration = .seconds(2), expiryInterval: Duration = .seconds(86_400), hangup: Bool = true,
        events: @escaping @Sendable (Event) -> Void
    ) async {
        var source: (any DispatchSourceSignal)?
        if hangup {
            signal(SIGHUP, SIG_IGN)
            let signalSource = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
            signalSource.setEventHandler { [self] in
                events(.hangup)
                for report in reloadAll(force: true) where report.status != .unchanged && report.status != .fixed {
                    events(.reload(report))
                }
            }
            signalSource.resume()
            source = signalSource
        }
        defer { source?.cancel() }
        for finding in expiryFindings() { events(.expiry(finding.entry, finding.message)) }
        var sinceExpiryCheck = Duration.zero
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: pollInterval)
            } catch {
                return
            }
            for report in reloadAll(force: false) where report.status != .unchanged && report.status != .fixed {
                events(.reload(report))
            }
            sinceExpiryCheck += pollInterval
            if sinceExpiryCheck >= expiryInterval {
                sinceExpiryCheck = .zero
                for finding in expiryFindings() { events(.expiry(finding.entry, finding.message)) }
            }
        }
    }
}

/// One certificate's line in the answer to a reload request: which material it belongs to, how the
/// reload of that material went, and how long the certificate in use has left.
public struct CertificateReloadResult: Sendable {
    /// ``TLSReloadable/reloadName`` of the material.
    public let material: String
    public let status: TLSReloadReport.Status
    /// What happened, for a person (the reason when refused).
    public let message: String
    /// The certificate now in use; nil when the material holds none.
    public let certificate: CertificateInUse?
    public let expiry: CertificateExpiry?
}

extension TLSMaintenanceLoop {
    /// Forces a reload of everything now and answers one line per certificate in use afterwards
    /// (after a refused reload: the previous certificates, which stay in use).
    ///
    /// Blocking (file I/O, key derivation).
    public func reloadNow(now: Date = Date()) -> [CertificateReloadResult] {
        var results: [CertificateReloadResult] = []
        for member in members {
            let report = member.reloadMaterial(force: true, now: now)
            let message = report.message ?? (report.status == .fixed ? "fixed material: not reloadable" : "unchanged")
            let certificates = member.certificatesInUse()
            if certificates.isEmpty {
                results.append(
                    CertificateReloadResult(material: report.name, status: report.status, message: message, certificate: nil, expiry: nil))
            }
            for certificate in certificates {
                results.append(
                    CertificateReloadResult(
                        material: report.name, status: report.status, message: message, certificate: certificate,
                        expiry: certificate.expiry(at: now)))
            }
        }
        return results
    }
}
