public import Foundation

/// TLS material read from files that can be read again while the process runs: a listener's
/// ``ServerTLS`` or a set of ``TrustedCertificates``. One protocol so that file watching, SIGHUP, the
/// LocalEms reload service and the expiry checks treat every kind alike (``TLSMaintenanceLoop``).
public protocol TLSReloadable: AnyObject, Sendable {
    /// Names the material in logs and reload answers: "http_server", "rap_cert_file".
    var reloadName: String { get }

    /// Reads the files again if they changed since the last attempt (always when `force`). New
    /// material that cannot be used is refused and the last good material stays in use.
    ///
    /// Blocking (file I/O, key derivation): call from a thread that may block.
    func reloadMaterial(force: Bool, now: Date) -> TLSReloadReport

    /// Every certificate this material uses, for expiry checks.
    func certificatesInUse() -> [CertificateInUse]
}

/// The outcome of one reload attempt of one ``TLSReloadable``.
public struct TLSReloadReport: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        /// The files did not change since the last attempt.
        case unchanged
        /// New material is in use.
        case reloaded
        /// The new files cannot be used; the previous material stays.
        case rejected
        /// Built from fixed material: nothing to reload.
        case fixed
    }

    /// ``TLSReloadable/reloadName``.
    public let name: String
    public let status: Status
    /// One line for the log and the reload answer; nil when there is nothing to say.
    public let message: String?

    public init(name: String, status: Status, message: String?) {
        self.name = name
        self.status = status
        self.message = message
    }

    /// True for a rejected reload (log it as an error).
    public var isFailure: Bool { status == .rejected }
}

extension ServerTLS: TLSReloadable {
    public var reloadName: String { source?.listener ?? "fixed TLS context" }

    public func reloadMaterial(force: Bool, now: Date) -> TLSReloadReport {
        let outcome = reload(force: force, now: now)
        let status: TLSReloadReport.Status
        switch outcome {
        case .unchanged: status = .unchanged
        case .reloaded: status = .reloaded
        case .rejected: status = .rejected
        case .fixed: status = .fixed
        }
        return TLSReloadReport(name: reloadName, status: status, message: outcome.message(listener: reloadName))
    }
}
