internal import COpenSSL

extension LibCrypto {
    /// The public key type of a DER certificate, e.g. "EC P-256", "RSA 2048".
    static func publicKeyDescription(certificateDER der: [UInt8]) -> String? {
        guard let certificate = certificate(fromDER: der) else {
            clearErrors()
            return nil
        }
        defer { X509_free(certificate) }
        guard let key = X509_get0_pubkey(certificate) else { return nil }
        return describe(key)
    }
}
