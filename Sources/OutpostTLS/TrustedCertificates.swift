public import Foundation
public import NIOSSL

/// CA certificates trusted for outgoing TLS (`rap_cert_file`, `certificates.cert_chain`) plus, as an
/// Outpost addition, every `*.pem` of a trusted-certificates directory, reloadable without a restart.
///
/// Files are re-read when they change (``reloadMaterial(force:now:)``); a new set that cannot be used
/// (a file missing, unreadable, holding no certificate, or a damaged block) is refused with the reason
/// and the last good set stays in use, so one bad deployment does not cut the connection it protects.
/// Callers take ``roots`` (or ``nioTrustRoots``) for each new connection.
public final class TrustedCertificates: @unchecked Sendable {
    /// Names the set in messages: "rap_cert_file", "certificates.cert_chain".
    public let name: String
    /// PEM files, each holding one or more certificates.
    public let files: [String]
    /// A directory whose `*.pem` files are all trusted; nil: none.
    public let directory: String?
    private let lock = NSLock()
    private let reloadLock = NSLock()
    private var current: TrustRoots
    private var lastStamp: FileStamp
    private var lastRejection: TLSMaterialError?

    /// Loads the set; throws when the first load fails (the connection must not start without it).
    public init(name: String, files: [String], directory: String? = nil, now: Date = Date()) throws(TLSMaterialError) {
        self.name = name
        self.files = files.filter { !$0.isEmpty }
        self.directory = directory.flatMap { $0.isEmpty ? nil : $0 }
        let stamp = FileStamp.take(Self.watchedPaths(files: self.files, directory: self.directory))
        self.current = try Self.load(name: name, files: self.files, directory: self.directory, now: now)
        self.lastStamp = stamp
    }

    /// The set in use.
    public var roots: TrustRoots { lock.withLock { current } }

    /// For `TLSConfiguration.trustRoots`: the certificates in use, in memory (not file paths, which
    /// TLS libraries read once and cache).
    public var nioTrustRoots: NIOSSLTrustRoots { roots.nioTrustRoots }

    /// The error of the last refused reload, until a reload succeeds.
    public var lastRejectedReload: TLSMaterialError? { lock.withLock { lastRejection } }

    /// The `*.pem` files of `directory`, sorted; hidden files are skipped.
    public static func directoryFiles(_ directory: String) -> [String] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return entries.filter { !$0.hasPrefix(".") && $0.lowercased().hasSuffix(".pem") }.sorted().map { directory + "/" + $0 }
    }

    static func watchedPaths(files: [String], directory: String?) -> [String] {
        guard let directory else { return files }
        return files + [directory] + directoryFiles(directory)
    }

    static func load(name: String, files: [String], directory: String?, now: Date) throws(TLSMaterialError) -> TrustRoots {
        var paths = files
        if let directory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw TLSMaterialError(
                    .fileMissing, "\(name): trusted-certificates directory \(directory) does not exist or is not a directory; create it and put the CA certificates (*.pem) there")
            }
            let found = directoryFiles(directory)
            if found.isEmpty && files.isEmpty {
                throw TLSMaterialError(
                    .notACertificate, "\(name): trusted-certificates directory \(directory) holds no *.pem file; put the CA certificates there")
            }
            paths += found
        }
        do {
            return try TrustRoots.load(paths, now: now)
        } catch {
            throw TLSMaterialError(error.code, "\(name): \(error.message)")
        }
    }

    /// The files and directory whose change triggers a reload.
    public func watchedPaths() -> [String] { Self.watchedPaths(files: files, directory: directory) }

    /// Every trusted certificate, for expiry checks.
    public func certificatesInUse() -> [CertificateInUse] {
        let roots = self.roots
        return zip(roots.certificates, roots.sources).map { certificate, path in
            CertificateInUse(role: "\(name) trusted CA", path: path, summary: certificate.summary)
        }
    }
}

extension TrustedCertificates: TLSReloadable {
    public var reloadName: String { name }

    public func reloadMaterial(force: Bool = false, now: Date = Date()) -> TLSReloadReport {
        reloadLock.withLock {
            let stamp = FileStamp.take(watchedPaths())
            if !force, lock.withLock({ lastStamp == stamp }) {
                return TLSReloadReport(name: name, status: .unchanged, message: nil)
            }
            do throws(TLSMaterialError) {
                let roots = try Self.load(name: name, files: files, directory: directory, now: now)
                lock.withLock {
                    current = roots
                    lastStamp = stamp
                    lastRejection = nil
                }
                let names = roots.certificates.map(\.summary.displayName)
                var message = "\(name): \(roots.certificates.count) trusted CA certificate(s) in use from \(roots.paths.joined(separator: ", "))"
                if !names.isEmpty { message += ": \(names.joined(separator: ", "))" }
                for warning in roots.warnings { message += "; warning: \(warning.message)" }
                return TLSReloadReport(name: name, status: .reloaded, message: message)
            } catch {
                lock.withLock {
                    lastStamp = stamp
                    lastRejection = error
                }
                return TLSReloadReport(
                    name: name, status: .rejected,
                    message: "\(name): new trusted CA certificates rejected, the previous ones stay in use: \(error.message)")
            }
        }
    }
}
