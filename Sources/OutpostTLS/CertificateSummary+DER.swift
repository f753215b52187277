import SwiftASN1
import X509

extension CertificateSummary {
    /// The summary of a DER certificate as a peer presented it (e.g. from a TLS handshake), for checks
    /// such as "is the server's certificate self-signed?".
    public init(der: [UInt8]) throws(TLSMaterialError) {
        let certificate: Certificate
        do {
            certificate = try Certificate(derEncoded: der)
        } catch {
            throw TLSMaterialError(.notACertificate, "the presented certificate is not valid DER X.509: \(error)")
        }
        self.init(certificate, der: der)
    }
}
