public import Foundation
public import X509
import SwiftASN1

/// How the uplink judges the platform's certificate (`certificates.*`).
///
/// The checks run in our own code rather than BoringSSL's so that each failure gets its own reason:
/// BoringSSL reports every chain problem as one `CERTIFICATE_VERIFY_FAILED`. Order: fingerprint pin,
/// validity period, chain (or self-signed when allowed), host name.
public struct ServerTrustPolicy: Sendable {
    /// `certificates.validate`: false skips everything except the fingerprint pin.
    public var validate: Bool
    /// `certificates.allow_self_signed`: accept a lone self-issued certificate without a CA.
    public var allowSelfSigned: Bool
    /// The CA certificates the chain must end in (`cert_chain`, or the system bundle).
    public var roots: [Certificate]
    /// Normalized SHA-256 fingerprints; empty means no pin.
    public var fingerprints: Set<String>
    /// Check the host name (or IP address) against the certificate's subject alternative names.
    public var verifyHostname: Bool

    public init(
        validate: Bool = true, allowSelfSigned: Bool = false, roots: [Certificate], fingerprints: Set<String> = [],
        verifyHostname: Bool = true
    ) {
        self.validate = validate
        self.allowSelfSigned = allowSelfSigned
        self.roots = roots
        self.fingerprints = fingerprints
        self.verifyHostname = verifyHostname
    }

    /// Whether NIOSSL needs our verification callback at all.
    var needsVerification: Bool { validate || !fingerprints.isEmpty }

    /// Judges the presented chain (leaf first, DER). Returns nil when it is acceptable.
    public func evaluate(chainDER: [[UInt8]], host: String, now: Date = Date()) async -> UplinkError? {
        guard let leafDER = chainDER.first else {
            return UplinkError(.unknownCA, "the platform presented no certificate")
        }
        let chain: [Certificate]
        do {
            chain = try chainDER.map { try Certificate(derEncoded: $0) }
        } catch {
            return UplinkError(.tlsFailed, "the platform's certificate cannot be parsed: \(error)")
        }
        let leaf = chain[0]
        let name = Self.displayName(leaf)
        if !fingerprints.isEmpty {
            let actual = CertificateFingerprint.sha256(der: leafDER)
            guard fingerprints.contains(actual) else {
                return UplinkError(
                    .fingerprintMismatch,
                    "the platform's certificate (\(name)) has SHA-256 fingerprint \(CertificateFingerprint.display(actual)), "
                        + "which is not in certificates.fingerprints; if the platform's certificate was renewed, add the new fingerprint")
            }
        }
        guard validate else { return nil }
        if now > leaf.notValidAfter {
            return UplinkError(
                .serverCertificateExpired,
                "the platform's server certificate (\(name)) expired on \(Self.text(leaf.notValidAfter)); the platform must renew it")
        }
        if now < leaf.notValidBefore {
            return UplinkError(
                .serverCertificateNotYetValid,
                "the platform's server certificate (\(name)) is not valid until \(Self.text(leaf.notValidBefore)); check the clocks of both machines")
        }
        let isSelfSigned = chain.count == 1 && leaf.subject == leaf.issuer
        if !(isSelfSigned && allowSelfSigned) {
            var verifier = Verifier(rootCertificates: CertificateStore(roots)) {
                RFC5280Policy()
            }
            let result = await verifier.validate(
                leaf: leaf, intermediates: CertificateStore(chain.dropFirst()))
            if case .couldNotValidate(let failures) = result {
                let detail = failures.first.map { " (\($0.policyFailureReason))" } ?? ""
                let advice =
                    isSelfSigned
                    ? "it is self-signed; add it to certificates.cert_chain, or set allow_self_signed (development only)"
                    : "add the issuing CA to certificates.cert_chain"
                return UplinkError(
                    .unknownCA,
                    "the platform's server certificate (\(name), issued by \(Self.commonName(leaf.issuer) ?? "\(leaf.issuer)")) is not trusted: "
                        + "unknown CA\(detail); \(advice)")
            }
        }
        if verifyHostname, let mismatch = Self.hostMismatch(leaf, host: host) {
            return UplinkError(.hostnameMismatch, mismatch)
        }
        return nil
    }

    // MARK: - Host names

    /// nil when `host` (a DNS name or an IP literal) is among the certificate's SANs.
    static func hostMismatch(_ leaf: Certificate, host: String) -> String? {
        var dnsNames: [String] = []
        var addresses: [[UInt8]] = []
        if let sans = try? leaf.extensions.subjectAlternativeNames {
            for san in sans {
                switch san {
                case .dnsName(let dns): dnsNames.append(dns.lowercased())
                case .ipAddress(let octets): addresses.append(Array(octets.bytes))
                default: break
                }
            }
        }
        let listed = (dnsNames + addresses.map(Self.ipText)).joined(separator: ", ")
        if let ip = HostAddress.ipBytes(host) {
            if addresses.contains(ip) { return nil }
            return "the platform's certificate (\(displayName(leaf))) is not issued for IP address \(host) (it lists: \(listed.isEmpty ? "no names" : listed)); "
                + "connect by a listed name, or have the certificate issued with IP:\(host) as a subject alternative name"
        }
        let wanted = host.lowercased()
        for pattern in dnsNames where matches(pattern, wanted) { return nil }
        return "the platform's certificate (\(displayName(leaf))) is not issued for host name \(host) (it lists: \(listed.isEmpty ? "no names" : listed)); "
            + "use a host name the certificate lists in ws_servers"
    }

    /// `*.example.com` matches exactly one left-most label.
    static func matches(_ pattern: String, _ host: String) -> Bool {
        if pattern == host { return true }
        guard pattern.hasPrefix("*.") else { return false }
        let suffix = pattern.dropFirst(1)
        guard host.hasSuffix(suffix) else { return false }
        let label = host.dropLast(suffix.count)
        return !label.isEmpty && !label.contains(".")
    }

    static func ipText(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        var groups: [String] = []
        var index = 0
        while index + 1 < bytes.count {
            groups.append(String(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]), radix: 16))
            index += 2
        }
        return groups.joined(separator: ":")
    }

    static func displayName(_ certificate: Certificate) -> String {
        commonName(certificate.subject) ?? "\(certificate.subject)"
    }

    static func commonName(_ name: DistinguishedName) -> String? {
        for rdn in name {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                return "\(attribute.value)"
            }
        }
        return nil
    }

    static func text(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
