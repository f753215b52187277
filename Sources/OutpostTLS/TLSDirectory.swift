public import Foundation

/// A listener's TLS directory, the layout secure-services products use, so that operators rotate
/// certificates by replacing files rather than by editing configuration:
///
/// ```
/// tls/
///   key.pem        private key (may be encrypted; may also sit inside cert.pem)
///   cert.pem       certificate, optionally followed by its chain; may also hold the key (merged PEM)
///   chain.pem      optional intermediate certificates
///   ca.pem         optional: when present, clients MUST present a certificate signed by it (mTLS)
///   a.example/     optional: the same files for the SNI name a.example (and its subdomains)
/// ```
///
/// Without `ca.pem` no client certificate is requested.
public struct TLSDirectory: Sendable, Equatable {
    public static let keyFileName = "key.pem"
    public static let certificateFileName = "cert.pem"
    public static let chainFileName = "chain.pem"
    public static let clientCAFileName = "ca.pem"

    public let path: String

    public init(_ path: String) {
        self.path = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    public var certificateFile: String { path + "/" + Self.certificateFileName }
    public var keyFile: String { path + "/" + Self.keyFileName }
    public var chainFile: String { path + "/" + Self.chainFileName }
    public var clientCAFile: String { path + "/" + Self.clientCAFileName }

    /// True when the directory holds a `cert.pem`.
    public var hasCertificate: Bool { FileManager.default.fileExists(atPath: certificateFile) }
    /// True when `ca.pem` is present: client certificates are then required.
    public var requiresClientCertificates: Bool { FileManager.default.fileExists(atPath: clientCAFile) }

    /// Loads `cert.pem` with `key.pem` (or the key inside `cert.pem` when there is no `key.pem`) and
    /// `chain.pem` if present.
    public func loadIdentity(passphrase: PassphraseSource, now: Date = Date()) throws(TLSMaterialError) -> TLSIdentity {
        guard isDirectory(path) else {
            throw TLSMaterialError(
                .fileMissing,
                "TLS directory \(path) does not exist or is not a directory; create it with key.pem and cert.pem")
        }
        guard hasCertificate else {
            throw TLSMaterialError(
                .fileMissing,
                "TLS directory \(path) has no \(Self.certificateFileName); put the server certificate (PEM) there")
        }
        let fileManager = FileManager.default
        let key = fileManager.fileExists(atPath: keyFile) ? keyFile : nil
        let chain = fileManager.fileExists(atPath: chainFile) ? [chainFile] : []
        return try TLSIdentity.load(
            certificateFile: certificateFile, keyFile: key, passphrase: passphrase, chainFiles: chain, now: now)
    }

    /// The client CA of `ca.pem`, or nil when there is none (no client certificates requested).
    public func loadClientCA(now: Date = Date()) throws(TLSMaterialError) -> TrustRoots? {
        guard requiresClientCertificates else { return nil }
        return try TrustRoots.load([clientCAFile], now: now)
    }

    /// Subdirectories that hold a `cert.pem`, by lower-cased host name: the SNI certificates.
    public func nameDirectories() -> [(name: String, directory: TLSDirectory)] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [] }
        var result: [(name: String, directory: TLSDirectory)] = []
        for entry in entries.sorted() where !entry.hasPrefix(".") {
            let sub = TLSDirectory(path + "/" + entry)
            if isDirectory(sub.path), sub.hasCertificate {
                result.append((ServerName.normalized(entry), sub))
            }
        }
        return result
    }

    /// Every file and directory whose change means the material should be reloaded.
    public func watchedPaths() -> [String] {
        var paths = [path, certificateFile, keyFile, chainFile, clientCAFile]
        for (_, sub) in nameDirectories() {
            paths += [sub.path, sub.certificateFile, sub.keyFile, sub.chainFile]
        }
        return paths
    }

    private func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
