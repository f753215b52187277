import X509

/// Whether a server's chain lets clients reach a root they trust, telling a missing intermediate apart
/// from a leaf signed directly by a root (which is complete: clients hold the root, servers need not
/// send it).
///
/// The issuer of the last certificate sent is looked up among candidate CA certificates (the roots
/// clients are expected to trust, by default the system bundle) by name and signature.
public enum ChainCompleteness: Sendable, Equatable {
    /// One self-signed certificate: clients must trust it directly.
    case selfSigned
    /// The chain sent ends at a self-issued (root) certificate.
    case endsAtRoot(CertificateSummary)
    /// The last certificate sent is signed by this root, found in `file`: nothing is missing.
    case signedByTrustedRoot(CertificateSummary, file: String)
    /// The last certificate sent is signed by this intermediate (found in `file`), which is not sent:
    /// clients cannot build the chain.
    case intermediateMissing(CertificateSummary, file: String)
    /// The issuer (named) is neither sent nor among the candidates: an intermediate is missing, or
    /// clients need that issuer as a root.
    case issuerNotFound(issuer: String)

    /// Evaluates the chain `identity` sends (leaf first) against candidate CA certificates with the
    /// file each came from.
    public static func evaluate(_ identity: TLSIdentity, candidates: [(certificate: PEMCertificate, file: String)]) -> ChainCompleteness {
        let chain = identity.certificates
        guard let last = chain.last, let lastSummary = identity.chainSummaries.last else { return .issuerNotFound(issuer: "") }
        if last.subject == last.issuer {
            return chain.count == 1 ? .selfSigned : .endsAtRoot(lastSummary)
        }
        for candidate in candidates where candidate.certificate.certificate.subject == last.issuer {
            let issuer = candidate.certificate.certificate
            guard issuer.publicKey.isValidSignature(last.signature, for: last) else { continue }
            let summary = candidate.certificate.summary
            return summary.isSelfIssued
                ? .signedByTrustedRoot(summary, file: candidate.file)
                : .intermediateMissing(summary, file: candidate.file)
        }
        return .issuerNotFound(issuer: last.issuer.description)
    }

    /// Candidates from PEM files; unreadable files are skipped (the caller names what it searched).
    public static func candidates(from files: [String]) -> [(certificate: PEMCertificate, file: String)] {
        var result: [(certificate: PEMCertificate, file: String)] = []
        for file in files {
            guard let loaded = try? PEMCertificate.load(file, what: "CA file") else { continue }
            result += loaded.map { ($0, file) }
        }
        return result
    }
}
