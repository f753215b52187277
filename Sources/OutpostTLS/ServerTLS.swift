public import Foundation
import NIOCore
public import NIOSSL

/// A listener's TLS, reloadable without a restart and without dropping connections.
///
/// Two mechanisms, so that every kind of consumer gets the new material:
/// - each accepted connection should take ``makeServerHandler()``, which uses the newest
///   `NIOSSLContext` (this is how a changed `ca.pem` takes effect);
/// - every context built here carries an `sslContextCallback` that picks the certificate per
///   ClientHello from the *current* SNI table (``ServerNameSelection``), so even a consumer that
///   kept one fixed ``context`` serves a renewed certificate on its next handshake.
///
/// Established connections keep the material they were accepted with. A reload that fails (wrong
/// passphrase, mismatch, expired, unparsable) changes nothing: the last good material stays and the
/// error says why.
public final class ServerTLS: @unchecked Sendable {
    /// The outcome of one reload attempt.
    public enum Reload: Sendable {
        /// The files did not change since the last attempt.
        case unchanged
        /// New material is in use.
        case reloaded(ServerTLSMaterial)
        /// The new files cannot be used; the previous material stays.
        case rejected(TLSMaterialError)
        /// Built from a fixed context: nothing to reload.
        case fixed
    }

    /// nil for a fixed context.
    public let source: ServerTLSSource?
    private let table: SelectionTable
    private let lock = NSLock()
    private let reloadLock = NSLock()
    private var currentContext: NIOSSLContext
    private var currentMaterial: ServerTLSMaterial?
    private var lastStamp: FileStamp?
    private var lastRejection: TLSMaterialError?

    /// Loads the material; throws when the first load fails (a listener must not start without it).
    ///
    /// Blocking (file I/O, key derivation, context creation): call at start-up.
    public init(source: ServerTLSSource, now: Date = Date()) throws(TLSMaterialError) {
        let material = try source.load(now: now)
        let table = SelectionTable(material.selection)
        self.source = source
        self.table = table
        self.currentContext = try Self.makeContext(material, table: table, listener: source.listener)
        self.currentMaterial = material
        self.lastStamp = material.stamp
    }

    /// Wraps a context built elsewhere; ``reload(force:now:)`` answers ``Reload/fixed``.
    public init(fixed context: NIOSSLContext) {
        self.source = nil
        self.table = SelectionTable(nil)
        self.currentContext = context
    }

    /// The newest context.
    public var context: NIOSSLContext { lock.withLock { currentContext } }

    /// The material in use, nil for a fixed context.
    public var material: ServerTLSMaterial? { lock.withLock { currentMaterial } }

    /// The error of the last rejected reload, until a reload succeeds.
    public var lastRejectedReload: TLSMaterialError? { lock.withLock { lastRejection } }

    /// A TLS handler for a newly accepted connection, with the newest context.
    public func makeServerHandler() -> NIOSSLServerHandler {
        NIOSSLServerHandler(context: context)
    }

    /// Reads the files again if they changed since the last attempt (always when `force`).
    ///
    /// Blocking; safe to call from several threads (attempts are serialized).
    @discardableResult
    public func reload(force: Bool = false, now: Date = Date()) -> Reload {
        guard let source else { return .fixed }
        return reloadLock.withLock {
            let stamp = FileStamp.take(source.watchedPaths())
            if !force, lock.withLock({ lastStamp == stamp }) { return .unchanged }
            do throws(TLSMaterialError) {
                let material = try source.load(now: now)
                let context = try Self.makeContext(material, table: table, listener: source.listener)
                table.replace(material.selection)
                lock.withLock {
                    currentContext = context
                    currentMaterial = material
                    lastStamp = material.stamp
                    lastRejection = nil
                }
                return .reloaded(material)
            } catch {
                lock.withLock {
                    lastStamp = stamp
                    lastRejection = error
                }
                return .rejected(error)
            }
        }
    }

    /// Polls the files every `interval` and reloads on change, until the task is cancelled; every
    /// outcome other than ``Reload/unchanged`` goes to `report` (to log it).
    public func watch(every interval: Duration = .seconds(2), report: @escaping @Sendable (Reload) -> Void) async {
        guard source != nil else { return }
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            let outcome = reload()
            if case .unchanged = outcome { continue }
            report(outcome)
        }
    }

    /// Every certificate in use, for expiry checks.
    public func certificatesInUse() -> [CertificateInUse] {
        guard let source, let material else { return [] }
        return material.certificatesInUse(listener: source.listener)
    }

    /// The server configuration with the SNI callback; `NIOSSLContext(configuration:)` may block.
    static func makeContext(
        _ material: ServerTLSMaterial, table: SelectionTable, listener: String
    ) throws(TLSMaterialError) -> NIOSSLContext {
        let policy: ClientCertificatePolicy = material.clientCA.map { .required($0) } ?? .none
        var configuration = TLSConfiguration.outpostServer(identity: material.defaultIdentity, clientCertificates: policy)
        configuration.sslContextCallback = { values, promise in
            guard let identity = table.select(values.serverHostname) else {
                promise.succeed(.noChanges)
                return
            }
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = identity.certificateSources
            override.privateKey = identity.privateKeySource
            promise.succeed(override)
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSMaterialError(.contextFailed, "\(listener): the TLS library refused the material: \(error)")
        }
    }
}

/// The SNI table every context of one ``ServerTLS`` consults, replaced on reload.
final class SelectionTable: @unchecked Sendable {
    private let lock = NSLock()
    private var selection: ServerNameSelection<TLSIdentity>?

    init(_ selection: ServerNameSelection<TLSIdentity>?) {
        self.selection = selection
    }

    func replace(_ selection: ServerNameSelection<TLSIdentity>) {
        lock.withLock { self.selection = selection }
    }

    func select(_ serverName: String?) -> TLSIdentity? {
        lock.withLock { selection?.select(serverName).value }
    }
}
