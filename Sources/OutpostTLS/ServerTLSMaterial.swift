/// One loaded, checked generation of a listener's TLS material.
public struct ServerTLSMaterial: Sendable {
    /// The certificate for handshakes without SNI or without a matching name.
    public let defaultIdentity: TLSIdentity
    /// Where the default came from, for logs ("TLS directory /etc/outpost/tls").
    public let origin: String
    /// The SNI table.
    public let selection: ServerNameSelection<TLSIdentity>
    /// Client certificates are required and must chain to these; nil: none are requested.
    public let clientCA: TrustRoots?
    /// Findings to log (key readable by others, expiry within 30 days, stray chain certificates).
    public let warnings: [TLSWarning]
    /// The files as they were just before loading.
    public let stamp: FileStamp

    /// The private key files of the default and every SNI certificate (a merged PEM counts as one).
    public var keyFiles: [String] {
        var paths = [defaultIdentity.keyPath]
        for name in selection.byName.keys.sorted() {
            if let path = selection.byName[name]?.keyPath, !paths.contains(path) { paths.append(path) }
        }
        return paths
    }

    /// Every certificate this generation uses, for expiry checks: the default, each SNI certificate,
    /// and the client CAs.
    public func certificatesInUse(listener: String) -> [CertificateInUse] {
        var result: [CertificateInUse] = []
        for (position, summary) in defaultIdentity.chainSummaries.enumerated() {
            result.append(
                CertificateInUse(
                    role: position == 0 ? "\(listener) certificate" : "\(listener) chain",
                    path: defaultIdentity.certificatePath, summary: summary))
        }
        for name in selection.byName.keys.sorted() {
            guard let identity = selection.byName[name] else { continue }
            result.append(
                CertificateInUse(role: "\(listener) certificate for \(name)", path: identity.certificatePath, summary: identity.summary))
        }
        for item in clientCA?.certificates ?? [] {
            result.append(CertificateInUse(role: "\(listener) client CA", path: clientCA?.paths.first ?? "", summary: item.summary))
        }
        return result
    }
}
