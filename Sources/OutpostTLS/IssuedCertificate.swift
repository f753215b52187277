import Foundation
public import OutpostSecrets
import SwiftASN1
public import X509

/// A newly made certificate with its private key, ready to be written out.
public struct IssuedCertificate: Sendable {
    public let certificate: Certificate
    /// The new key. Written to disk only encrypted (``encryptedPrivateKeyPEM(passphrase:iterations:)``).
    public let privateKey: Certificate.PrivateKey
    /// The certificate's DER encoding.
    public let der: [UInt8]

    init(certificate: Certificate, privateKey: Certificate.PrivateKey) throws {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        self.certificate = certificate
        self.privateKey = privateKey
        self.der = serializer.serializedBytes
    }

    /// Subject, SANs, validity, fingerprint.
    public var summary: CertificateSummary { CertificateSummary(certificate, der: der) }

    /// The certificate as PEM text.
    public var certificatePEM: String {
        PEMDocument(type: "CERTIFICATE", derBytes: der).pemString + "\n"
    }

    /// This certificate and key as a CA that can sign others (meaningful when it was made with
    /// `isCertificateAuthority`).
    public var authority: CertificateAuthority { CertificateAuthority(certificate: certificate, privateKey: privateKey) }

    /// Default PBKDF2 rounds for new keys: about 50 ms to open, far slower to guess than OpenSSL's 2048.
    public static let defaultKeyIterations = 100_000

    /// The key as PEM `ENCRYPTED PRIVATE KEY`: PKCS#8 PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC (read by
    /// OpenSSL, BoringSSL and the original EMS alike). swift-crypto cannot write this; libcrypto does.
    public func encryptedPrivateKeyPEM(
        passphrase: SecretValue, iterations: Int = defaultKeyIterations
    ) throws(TLSMaterialError) -> String {
        guard !passphrase.isEmpty else {
            throw TLSMaterialError(.invalidRequest, "refusing to encrypt a private key with an empty passphrase")
        }
        var der: [UInt8]
        do {
            der = try privateKey.serializeAsPEM().derBytes
        } catch {
            throw TLSMaterialError(.generationFailed, "cannot encode the new private key: \(error)")
        }
        defer { LibCrypto.cleanse(&der) }
        switch LibCrypto.encryptPrivateKey(der: der, passphrase: passphrase, iterations: iterations) {
        case .success(let pem):
            return pem
        case .failure(let failure):
            let reason = failure.errors.last?.description ?? "unknown error"
            throw TLSMaterialError(.generationFailed, "cannot encrypt the new private key: \(reason)")
        }
    }

    /// Writes the certificate (mode 0644) and the encrypted key (mode 0600 from creation).
    ///
    /// Refuses to touch existing files unless `replacing` is true. Missing parent directories are
    /// created with mode 0700.
    public func write(
        certificateTo certificatePath: String,
        privateKeyTo keyPath: String,
        passphrase: SecretValue,
        replacing: Bool = false
    ) throws(TLSMaterialError) {
        if !replacing {
            for path in [certificatePath, keyPath] where FileManager.default.fileExists(atPath: path) {
                throw TLSMaterialError(.writeFailed, "\(path) exists already; remove it or pass --force to replace it")
            }
        }
        var keyPEM = Array(try encryptedPrivateKeyPEM(passphrase: passphrase).utf8)
        defer { ProtectedFile.wipe(&keyPEM) }
        do {
            for directory in Set([certificatePath, keyPath].map(ProtectedFile.directoryName(of:))) {
                try ProtectedFile.createDirectories(directory)
            }
            try ProtectedFile.create(keyPath, contents: keyPEM, mode: 0o600, replacing: replacing)
            try ProtectedFile.create(
                certificatePath, contents: Array(certificatePEM.utf8), mode: 0o644, replacing: replacing)
        } catch {
            throw TLSMaterialError(.writeFailed, error.description)
        }
    }
}
