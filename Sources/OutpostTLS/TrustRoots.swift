public import Foundation
public import NIOSSL

/// CA certificates a peer must chain to: `certificates.cert_chain` (one or more PEM files) for the
/// uplink, the client CA list for mutual TLS on the local server.
///
/// Blocking (file I/O): load at start-up or on a thread pool.
public struct TrustRoots: Sendable {
    /// Every certificate of every file, in order.
    public let certificates: [PEMCertificate]
    public let paths: [String]
    /// The file each certificate of ``certificates`` came from (same order).
    public let sources: [String]
    /// e.g. a CA certificate outside its validity period (it will fail verification).
    public let warnings: [TLSWarning]

    /// For `TLSConfiguration.trustRoots`.
    public var nioTrustRoots: NIOSSLTrustRoots { .certificates(certificates.map(\.nioCertificate)) }

    /// Loads every certificate in `paths`. A file that is missing, unreadable or holds no certificate
    /// is an error: an unusable `cert_chain` would make every connection fail later, less clearly.
    public static func load(_ paths: [String], now: Date = Date()) throws(TLSMaterialError) -> TrustRoots {
        guard !paths.isEmpty else { throw TLSMaterialError(.notACertificate, "no CA certificate file was given") }
        var certificates: [PEMCertificate] = []
        var sources: [String] = []
        var warnings: [TLSWarning] = []
        for path in paths {
            let loaded = try PEMCertificate.load(path, what: "CA certificate file")
            for item in loaded {
                let summary = item.summary
                if now > summary.notAfter || now < summary.notBefore {
                    let state =
                        now > summary.notAfter
                        ? "expired on \(TLSDate.text(summary.notAfter))"
                        : "is not valid until \(TLSDate.text(summary.notBefore))"
                    warnings.append(
                        TLSWarning(
                            .trustRootNotCurrentlyValid, path: path,
                            message: "CA certificate \(summary.displayName) in \(path) \(state); peers chaining to it "
                                + "will be refused"))
                }
            }
            certificates += loaded
            sources += Array(repeating: path, count: loaded.count)
        }
        return TrustRoots(certificates: certificates, paths: paths, sources: sources, warnings: warnings)
    }
}
