public import Foundation

/// Where a listener's TLS material comes from. Kept (rather than the loaded material alone) so that
/// the same files can be read again on reload.
///
/// The default certificate is, in this order: the TLS directory's `cert.pem`, else `certificateFile`,
/// else ``installDefault``. SNI certificates come from the directory's name subdirectories
/// (see ``ServerNameSelection`` for the order). Client certificates are required when the directory
/// holds `ca.pem` or ``clientCAFiles`` is not empty.
public struct ServerTLSSource: Sendable {
    /// Names the listener in messages, e.g. "http_server" or "tls".
    public var listener: String
    /// A TLS directory (``TLSDirectory``).
    public var directory: String?
    /// An explicit certificate (chain) file; it may also hold the key (merged PEM).
    public var certificateFile: String?
    /// The key of ``certificateFile``; nil or empty: the key is inside ``certificateFile``.
    public var keyFile: String?
    /// For every encrypted key of this listener.
    public var passphrase: PassphraseSource
    /// Explicit client CA files (the platform's `tls.client_ca`), in addition to the directory's `ca.pem`.
    public var clientCAFiles: [String]
    /// The install's generated certificate, when nothing else provides a default one.
    public var installDefault: (@Sendable () throws -> TLSIdentity)?

    public init(
        listener: String, directory: String? = nil, certificateFile: String? = nil, keyFile: String? = nil,
        passphrase: PassphraseSource = .none, clientCAFiles: [String] = [],
        installDefault: (@Sendable () throws -> TLSIdentity)? = nil
    ) {
        self.listener = listener
        self.directory = directory.flatMap { $0.isEmpty ? nil : $0 }
        self.certificateFile = certificateFile.flatMap { $0.isEmpty ? nil : $0 }
        self.keyFile = keyFile.flatMap { $0.isEmpty ? nil : $0 }
        self.passphrase = passphrase
        self.clientCAFiles = clientCAFiles
        self.installDefault = installDefault
    }

    /// ``ServerTLSMaterial/origin`` when the default certificate is ``installDefault``.
    public static let installDefaultOrigin = "this install's generated certificate"

    /// Every path whose change should trigger a reload.
    public func watchedPaths() -> [String] {
        var paths: [String] = []
        if let directory { paths += TLSDirectory(directory).watchedPaths() }
        if let certificateFile { paths.append(certificateFile) }
        if let keyFile { paths.append(keyFile) }
        paths += clientCAFiles
        return paths
    }

    /// Reads and checks everything; nothing is half-applied when one file is wrong.
    ///
    /// Blocking (file I/O, key derivation).
    public func load(now: Date = Date()) throws(TLSMaterialError) -> ServerTLSMaterial {
        let stamp = FileStamp.take(watchedPaths())
        var warnings: [TLSWarning] = []
        var byName: [String: TLSIdentity] = [:]
        var defaultIdentity: TLSIdentity?
        var origin = ""
        var caFiles = clientCAFiles
        if let directory {
            let tlsDirectory = TLSDirectory(directory)
            if tlsDirectory.hasCertificate {
                defaultIdentity = try tlsDirectory.loadIdentity(passphrase: passphrase, now: now)
                origin = "TLS directory \(tlsDirectory.path)"
            } else if !FileManager.default.fileExists(atPath: tlsDirectory.path) {
                throw TLSMaterialError(
                    .fileMissing,
                    "\(listener): TLS directory \(tlsDirectory.path) does not exist; create it with key.pem and cert.pem")
            }
            for (name, sub) in tlsDirectory.nameDirectories() {
                let identity = try sub.loadIdentity(passphrase: passphrase, now: now)
                byName[name] = identity
                warnings += identity.warnings
            }
            if tlsDirectory.requiresClientCertificates { caFiles.append(tlsDirectory.clientCAFile) }
        }
        if defaultIdentity == nil, let certificateFile {
            defaultIdentity = try TLSIdentity.load(
                certificateFile: certificateFile, keyFile: keyFile, passphrase: passphrase, now: now)
            origin = "certificate \(certificateFile)"
        }
        if defaultIdentity == nil, let installDefault {
            do {
                defaultIdentity = try installDefault()
            } catch let error as TLSMaterialError {
                throw error
            } catch {
                throw TLSMaterialError(.generationFailed, "\(listener): the install's certificate cannot be used: \(error)")
            }
            origin = Self.installDefaultOrigin
        }
        guard let defaultIdentity else {
            throw TLSMaterialError(
                .fileMissing,
                "\(listener): no certificate configured; put cert.pem and key.pem in the TLS directory or set a certificate")
        }
        warnings = defaultIdentity.warnings + warnings
        let clientCA = caFiles.isEmpty ? nil : try TrustRoots.load(caFiles, now: now)
        warnings += clientCA?.warnings ?? []
        return ServerTLSMaterial(
            defaultIdentity: defaultIdentity, origin: origin,
            selection: ServerNameSelection(byName: byName, fallback: defaultIdentity),
            clientCA: clientCA, warnings: warnings, stamp: stamp)
    }
}
