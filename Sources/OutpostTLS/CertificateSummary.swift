import Crypto
public import Foundation
import SwiftASN1
public import X509

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What an operator wants to know about a certificate: who, for which names, until when, and its
/// fingerprint to compare with another copy.
public struct CertificateSummary: Sendable, Codable, Equatable {
    /// Subject in RFC 4514 form (most significant RDN last, as OpenSSL's `-nameopt RFC2253` prints it).
    public let subject: String
    /// The subject's common name, if any.
    public let commonName: String?
    /// Issuer in RFC 4514 form.
    public let issuer: String
    /// Subject alternative names as "DNS:name", "IP:address", "email:…", "URI:…".
    public let subjectAlternativeNames: [String]
    public let notBefore: Date
    public let notAfter: Date
    /// Serial number, colon-separated upper-case hex.
    public let serialNumber: String
    /// SHA-256 of the DER encoding, colon-separated upper-case hex (as `openssl x509 -fingerprint -sha256`).
    public let sha256Fingerprint: String
    /// Public key type, e.g. "EC P-256".
    public let publicKey: String
    /// Basic constraints say CA.
    public let isCertificateAuthority: Bool
    /// Subject and issuer are the same name.
    public let isSelfIssued: Bool

    public init(_ certificate: Certificate, der: [UInt8]) {
        self.subject = certificate.subject.description
        self.commonName = certificate.subject.commonName
        self.issuer = certificate.issuer.description
        self.subjectAlternativeNames = Self.alternativeNames(of: certificate)
        self.notBefore = certificate.notValidBefore
        self.notAfter = certificate.notValidAfter
        self.serialNumber = Self.colonHex(certificate.serialNumber.bytes)
        self.sha256Fingerprint = Self.colonHex(SHA256.hash(data: der))
        self.publicKey = LibCrypto.publicKeyDescription(certificateDER: der) ?? "unknown"
        var isCA = false
        if let constraints = try? certificate.extensions.basicConstraints, case .isCertificateAuthority = constraints {
            isCA = true
        }
        self.isCertificateAuthority = isCA
        self.isSelfIssued = certificate.subject == certificate.issuer
    }

    /// Whole days until `notAfter` (negative once expired).
    public func daysLeft(at now: Date = Date()) -> Int {
        Int((notAfter.timeIntervalSince(now) / 86_400).rounded(.down))
    }

    /// The common name, or the whole subject when there is none: for one-line messages.
    public var displayName: String { commonName ?? subject }

    static func colonHex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789ABCDEF")
        var parts: [String] = []
        for byte in bytes { parts.append(String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])) }
        return parts.joined(separator: ":")
    }

    private static func alternativeNames(of certificate: Certificate) -> [String] {
        guard let names = try? certificate.extensions.subjectAlternativeNames else { return [] }
        var result: [String] = []
        for name in names {
            switch name {
            case .dnsName(let dns): result.append("DNS:\(dns)")
            case .ipAddress(let octets): result.append("IP:\(ipAddressText(Array(octets.bytes)))")
            case .rfc822Name(let email): result.append("email:\(email)")
            case .uniformResourceIdentifier(let uri): result.append("URI:\(uri)")
            case .directoryName(let directory): result.append("DirName:\(directory)")
            default: result.append("othername")
            }
        }
        return result
    }

    /// Dotted IPv4 or RFC 5952 IPv6 text for 4 or 16 address bytes.
    static func ipAddressText(_ bytes: [UInt8]) -> String {
        let family: Int32
        switch bytes.count {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: return colonHex(bytes)
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let ok = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &text, socklen_t(text.count)) != nil }
        guard ok else { return colonHex(bytes) }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
