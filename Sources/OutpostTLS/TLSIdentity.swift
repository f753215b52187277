public import Foundation
public import NIOSSL
public import X509

/// A certificate chain with its private key: what a TLS server presents, or a client under mutual TLS.
///
/// Loading checks everything an operator can get wrong, each with its own error: files missing or
/// unreadable, no key or no certificate where expected, wrong or missing passphrase, unsupported
/// encryption, key not matching the certificate, a certificate expired or not yet valid.
///
/// Blocking (file I/O and key derivation): load at start-up or on a thread pool, never on an event loop.
public struct TLSIdentity: Sendable {
    /// Leaf first, then the certificates that sign it, as found in the file.
    public let certificateChain: [NIOSSLCertificate]
    /// The same chain as swift-certificates values, for inspection.
    public let certificates: [Certificate]
    /// The decrypted private key.
    public let privateKey: NIOSSLPrivateKey
    /// e.g. "EC P-256".
    public let keyDescription: String
    /// How the key was encrypted on disk, or nil if it was not (the EMS refuses unencrypted server keys).
    public let keyEncryption: String?
    public let certificatePath: String
    public let keyPath: String
    /// Findings for the caller to log: key file readable by others, expiry within 30 days, stray certificates.
    public let warnings: [TLSWarning]
    /// Summary of the leaf certificate.
    public let summary: CertificateSummary
    /// Summaries of the whole chain, leaf first (for expiry checks of intermediates too).
    public let chainSummaries: [CertificateSummary]

    /// The leaf certificate.
    public var leaf: Certificate { certificates[0] }

    /// For `TLSConfiguration.certificateChain`.
    public var certificateSources: [NIOSSLCertificateSource] { certificateChain.map { .certificate($0) } }

    /// For `TLSConfiguration.privateKey`.
    public var privateKeySource: NIOSSLPrivateKeySource { .privateKey(privateKey) }

    /// Loads a certificate chain and its key.
    ///
    /// - Parameters:
    ///   - certificateFile: PEM with the leaf certificate and optionally its chain, in any order.
    ///   - keyFile: PEM with the private key; nil when it is in `certificateFile` (a merged file).
    ///   - passphrase: For an encrypted key.
    ///   - chainFiles: Further PEM files with intermediate certificates (a TLS directory's `chain.pem`).
    ///   - now: The time validity is checked against.
    public static func load(
        certificateFile: String,
        keyFile: String? = nil,
        passphrase: PassphraseSource = .none,
        chainFiles: [String] = [],
        now: Date = Date()
    ) throws(TLSMaterialError) -> TLSIdentity {
        let keyPath = (keyFile?.isEmpty ?? true) ? certificateFile : keyFile ?? certificateFile
        var loaded = try PEMCertificate.load(certificateFile)
        for chainFile in chainFiles {
            loaded += try PEMCertificate.load(chainFile, what: "chain file")
        }
        return try PrivateKeyFile.withDecodedKey(keyPath, passphrase: passphrase) {
            (key, der) throws(TLSMaterialError) -> TLSIdentity in
            let (index, reason) = LibCrypto.certificateIndex(matching: der, among: loaded.map(\.der))
            guard let index else {
                let name = loaded[0].summary.displayName
                throw TLSMaterialError(
                    .keyMismatch,
                    "the private key in \(keyPath) does not belong to the certificate in \(certificateFile) "
                        + "(\(name)): \(reason)")
            }
            var warnings = key.warnings
            let chain = orderChain(loaded, leafIndex: index, path: certificateFile, warnings: &warnings)
            try checkValidity(chain, path: certificateFile, now: now, warnings: &warnings)
            return TLSIdentity(
                certificateChain: chain.map(\.nioCertificate),
                certificates: chain.map(\.certificate),
                privateKey: key.key,
                keyDescription: key.typeDescription,
                keyEncryption: key.encryption,
                certificatePath: certificateFile,
                keyPath: keyPath,
                warnings: warnings,
                summary: chain[0].summary,
                chainSummaries: chain.map(\.summary))
        }
    }

    /// Puts the leaf first and follows issuer names up the chain; certificates that do not fit are
    /// kept at the end (and reported), since a peer may still need them.
    static func orderChain(
        _ certificates: [PEMCertificate], leafIndex: Int, path: String, warnings: inout [TLSWarning]
    ) -> [PEMCertificate] {
        var remaining = certificates
        var chain = [remaining.remove(at: leafIndex)]
        while let last = chain.last, last.certificate.subject != last.certificate.issuer,
            let next = remaining.firstIndex(where: { $0.certificate.subject == last.certificate.issuer })
        {
            chain.append(remaining.remove(at: next))
        }
        for stray in remaining {
            warnings.append(
                TLSWarning(
                    .unrelatedCertificate, path: path,
                    message: "certificate \(stray.summary.displayName) in \(path) is not part of the chain of "
                        + "\(chain[0].summary.displayName); it is sent anyway"))
        }
        return chain + remaining
    }

    /// Fails on a certificate outside its validity period; warns when the leaf has under 30 days left.
    static func checkValidity(
        _ chain: [PEMCertificate], path: String, now: Date, warnings: inout [TLSWarning]
    ) throws(TLSMaterialError) {
        for (position, item) in chain.enumerated() {
            let summary = item.summary
            let which = position == 0 ? "certificate" : "chain certificate"
            if now > summary.notAfter {
                throw TLSMaterialError(
                    .certificateExpired,
                    "the \(which) \(summary.displayName) in \(path) expired on \(TLSDate.text(summary.notAfter))")
            }
            if now < summary.notBefore {
                throw TLSMaterialError(
                    .certificateNotYetValid,
                    "the \(which) \(summary.displayName) in \(path) is not valid until \(TLSDate.text(summary.notBefore)); "
                        + "check this machine's clock")
            }
        }
        let leaf = chain[0].summary
        let days = leaf.daysLeft(at: now)
        if days < 30 {
            warnings.append(
                TLSWarning(
                    .expiresSoon, path: path,
                    message: "the certificate \(leaf.displayName) in \(path) expires in \(days) days, on "
                        + TLSDate.text(leaf.notAfter)))
        }
    }
}
