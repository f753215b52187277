public import Foundation
import X509

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What to put in a new certificate: names, validity, and whether it is a CA.
public struct CertificateRequest: Sendable {
    /// A subject alternative name.
    public enum AlternativeName: Sendable, Equatable, CustomStringConvertible {
        case dns(String)
        /// An IPv4 or IPv6 address in text form.
        case ip(String)

        public var description: String {
            switch self {
            case .dns(let name): return "DNS:\(name)"
            case .ip(let address): return "IP:\(address)"
            }
        }

        /// Parses "DNS:host,IP:10.0.0.1,IP:::1" (the `--san` syntax, as in `openssl -addext subjectAltName=`).
        public static func parseList(_ text: String) throws(TLSMaterialError) -> [AlternativeName] {
            var names: [AlternativeName] = []
            for item in text.split(separator: ",") {
                let entry = item.trimmingCharacters(in: .whitespaces)
                guard let colon = entry.firstIndex(of: ":") else {
                    throw TLSMaterialError(.invalidRequest, "SAN '\(entry)' needs a type: DNS:name or IP:address")
                }
                let kind = entry[..<colon].uppercased()
                let value = String(entry[entry.index(after: colon)...])
                switch kind {
                case "DNS":
                    guard !value.isEmpty, !value.contains(" ") else {
                        throw TLSMaterialError(.invalidRequest, "SAN '\(entry)' has no valid DNS name")
                    }
                    names.append(.dns(value))
                case "IP":
                    guard ipAddressBytes(value) != nil else {
                        throw TLSMaterialError(.invalidRequest, "SAN '\(entry)' is not an IPv4 or IPv6 address")
                    }
                    names.append(.ip(value))
                default:
                    throw TLSMaterialError(.invalidRequest, "SAN '\(entry)' has unknown type \(kind); use DNS: or IP:")
                }
            }
            return names
        }

        /// The network-order bytes of an IPv4 or IPv6 address, or nil if `text` is neither.
        static func ipAddressBytes(_ text: String) -> [UInt8]? {
            var v4 = [UInt8](repeating: 0, count: 4)
            if inet_pton(AF_INET, text, &v4) == 1 { return v4 }
            var v6 = [UInt8](repeating: 0, count: 16)
            if inet_pton(AF_INET6, text, &v6) == 1 { return v6 }
            return nil
        }
    }

    public var commonName: String
    /// When empty, the common name is used as the single SAN (DNS or IP), since TLS clients match
    /// host names against SANs only.
    public var alternativeNames: [AlternativeName]
    public var notBefore: Date
    public var notAfter: Date
    /// A CA certificate (basicConstraints CA:TRUE, keyCertSign) rather than a server/client leaf.
    public var isCertificateAuthority: Bool

    /// A request valid for `days` days from `now` (backdated five minutes for clock skew).
    public init(
        commonName: String,
        alternativeNames: [AlternativeName] = [],
        days: Int = 365,
        isCertificateAuthority: Bool = false,
        now: Date = Date()
    ) {
        self.init(
            commonName: commonName, alternativeNames: alternativeNames,
            notBefore: now.addingTimeInterval(-300), notAfter: now.addingTimeInterval(Double(days) * 86_400),
            isCertificateAuthority: isCertificateAuthority)
    }

    /// A request with an explicit validity period (also in the past or future, for tests and renewals).
    public init(
        commonName: String,
        alternativeNames: [AlternativeName] = [],
        notBefore: Date,
        notAfter: Date,
        isCertificateAuthority: Bool = false
    ) {
        self.commonName = commonName
        self.alternativeNames = alternativeNames
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.isCertificateAuthority = isCertificateAuthority
    }

    /// The SANs to write: the given ones, or the common name when none were given.
    var effectiveAlternativeNames: [AlternativeName] {
        if !alternativeNames.isEmpty || isCertificateAuthority { return alternativeNames }
        return AlternativeName.ipAddressBytes(commonName) != nil ? [.ip(commonName)] : [.dns(commonName)]
    }

    func validate() throws(TLSMaterialError) {
        guard !commonName.isEmpty else { throw TLSMaterialError(.invalidRequest, "the common name is empty") }
        guard notAfter > notBefore else {
            throw TLSMaterialError(.invalidRequest, "the certificate would end before it begins")
        }
    }
}
