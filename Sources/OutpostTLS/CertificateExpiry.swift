public import Foundation

/// A certificate some part of Outpost presents or trusts, named by its role.
public struct CertificateInUse: Sendable, Equatable {
    /// e.g. "http_server certificate", "uplink client certificate", "uplink trusted CA".
    public let role: String
    /// The file it was read from.
    public let path: String
    public let summary: CertificateSummary

    public init(role: String, path: String, summary: CertificateSummary) {
        self.role = role
        self.path = path
        self.summary = summary
    }

    /// Days to expiry and the level they warrant.
    public func expiry(at now: Date = Date()) -> CertificateExpiry { CertificateExpiry(summary, at: now) }
}

/// Days until a certificate expires and how loudly to say so: warnings at 30, 14 and 7 days, an
/// error once it has expired. Exposed as a value (not only as log lines) so health and metrics can
/// read `daysLeft` per certificate.
public struct CertificateExpiry: Sendable, Equatable {
    public enum Level: Int, Sendable, Comparable, CustomStringConvertible {
        /// More than 30 days left.
        case ok = 0
        /// 30 days or fewer.
        case within30Days
        /// 14 days or fewer.
        case within14Days
        /// 7 days or fewer.
        case within7Days
        /// notAfter has passed (or notBefore is still ahead).
        case expired

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

        public var description: String {
            switch self {
            case .ok: return "ok"
            case .within30Days: return "expires within 30 days"
            case .within14Days: return "expires within 14 days"
            case .within7Days: return "expires within 7 days"
            case .expired: return "EXPIRED"
            }
        }

        /// Whether a log line at this level is a warning (true) or an error (`.expired`).
        public var isError: Bool { self == .expired }
    }

    /// Whole days left; negative once expired.
    public let daysLeft: Int
    public let level: Level
    public let notAfter: Date

    public init(_ summary: CertificateSummary, at now: Date = Date()) {
        self.notAfter = summary.notAfter
        self.daysLeft = summary.daysLeft(at: now)
        if now > summary.notAfter || now < summary.notBefore {
            level = .expired
        } else if daysLeft <= 7 {
            level = .within7Days
        } else if daysLeft <= 14 {
            level = .within14Days
        } else if daysLeft <= 30 {
            level = .within30Days
        } else {
            level = .ok
        }
    }

    /// One line for the log: what, where, how many days, what to do.
    public static func message(for certificate: CertificateInUse, _ expiry: CertificateExpiry) -> String {
        let name = certificate.summary.displayName
        if expiry.level == .expired {
            return "\(certificate.role) \(name) (\(certificate.path)) has expired (notAfter "
                + "\(TLSDate.text(expiry.notAfter))); peers will refuse it: replace the file, Outpost reloads it"
        }
        return "\(certificate.role) \(name) (\(certificate.path)) expires in \(expiry.daysLeft) days, on "
            + "\(TLSDate.text(expiry.notAfter)); renew it and replace the file (reloaded without restart)"
    }
}
