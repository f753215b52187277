public import NIOSSL
import OutpostSecrets
import SwiftASN1
public import X509

/// One certificate read from a PEM file, in the three forms callers need: DER bytes, a
/// swift-certificates `Certificate` to inspect, and an `NIOSSLCertificate` for TLS.
public struct PEMCertificate: Sendable {
    public let der: [UInt8]
    public let certificate: Certificate
    public let nioCertificate: NIOSSLCertificate

    /// Subject, SANs, validity, fingerprint.
    public var summary: CertificateSummary { CertificateSummary(certificate, der: der) }

    /// Reads every certificate in a PEM file, in file order. Text around the blocks ("Bag
    /// Attributes", "subject=", `openssl x509 -text` output) and other blocks, such as a private key
    /// in a merged file, are skipped.
    ///
    /// `what` names the file in errors ("certificate file", "CA file").
    public static func load(_ path: String, what: String = "certificate file") throws(TLSMaterialError) -> [PEMCertificate] {
        let contents = try TLSMaterialError.read(what, at: path)
        let scan = PEMBlock.scan(contents.bytes)
        let blocks = scan.blocks.filter(\.isCertificate)
        guard !blocks.isEmpty else {
            if let unterminated = scan.unterminated, PEMBlock.certificateLabels.contains(unterminated.label) {
                throw TLSMaterialError(
                    .damaged,
                    "\(what) \(path) is truncated: the \(unterminated.label) block at line \(unterminated.line) "
                        + "has no END line")
            }
            throw TLSMaterialError(.notACertificate, "\(path) holds no certificate (found: \(scan.inventory))")
        }
        var certificates: [PEMCertificate] = []
        for block in blocks {
            certificates.append(try decode(block, path: path))
        }
        return certificates
    }

    private static func decode(_ block: PEMBlock, path: String) throws(TLSMaterialError) -> PEMCertificate {
        let place = "the \(block.label) block in \(path) (line \(block.line))"
        guard let der = block.der else {
            throw TLSMaterialError(.damaged, "\(place) is not valid base64; the file is damaged")
        }
        let certificate: Certificate
        let nioCertificate: NIOSSLCertificate
        do {
            certificate = try Certificate(derEncoded: der)
        } catch {
            throw TLSMaterialError(.damaged, "\(place) is not a valid X.509 certificate: \(error)")
        }
        do {
            nioCertificate = try NIOSSLCertificate(bytes: der, format: .der)
        } catch {
            throw TLSMaterialError(.damaged, "\(place) is not accepted by the TLS library: \(error)")
        }
        return PEMCertificate(der: der, certificate: certificate, nioCertificate: nioCertificate)
    }
}
