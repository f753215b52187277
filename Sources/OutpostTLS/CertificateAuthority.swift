public import Foundation
public import X509

/// A CA certificate with its signing key, for issuing certificates (``CertificateIssuer/issue(_:signedBy:)``).
public struct CertificateAuthority: Sendable {
    public let certificate: Certificate
    /// Kept only as long as this value lives; never written in clear.
    public let privateKey: Certificate.PrivateKey

    public init(certificate: Certificate, privateKey: Certificate.PrivateKey) {
        self.certificate = certificate
        self.privateKey = privateKey
    }

    /// Loads a CA certificate and its (usually encrypted) key, checking that they match, that the
    /// certificate is a CA and that it is currently valid.
    public static func load(
        certificateFile: String, keyFile: String? = nil, passphrase: PassphraseSource = .none, now: Date = Date()
    ) throws(TLSMaterialError) -> CertificateAuthority {
        let identity = try TLSIdentity.load(
            certificateFile: certificateFile, keyFile: keyFile, passphrase: passphrase, now: now)
        guard identity.summary.isCertificateAuthority else {
            throw TLSMaterialError(
                .invalidRequest,
                "the certificate \(identity.summary.displayName) in \(certificateFile) is not a CA certificate "
                    + "(basicConstraints CA:FALSE); make one with outpost cert self-signed --is-ca")
        }
        let keyPath = keyFile ?? certificateFile
        return try PrivateKeyFile.withDecodedKey(keyPath, passphrase: passphrase) {
            (key, der) throws(TLSMaterialError) -> CertificateAuthority in
            do {
                return CertificateAuthority(
                    certificate: identity.leaf, privateKey: try Certificate.PrivateKey(derBytes: der))
            } catch {
                throw TLSMaterialError(
                    .unsupportedKeyType,
                    "the CA key in \(keyPath) (\(key.typeDescription)) cannot sign certificates here: \(error)")
            }
        }
    }
}
