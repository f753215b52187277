public import NIOSSL
public import OutpostConfig
public import OutpostSecrets
public import OutpostTLS

/// The reference platform's configuration, resolved: secrets opened, TLS context built.
public struct PlatformSettings: Sendable {
    public var host: String
    public var port: Int
    public var resource: String
    /// nil: plain TCP (development only). Reloadable: TLS directory, SNI, file watching.
    public var serverTLS: ServerTLS?
    /// The current TLS context; setting one wraps it as a fixed (not reloadable) ``ServerTLS``.
    public var tls: NIOSSLContext? {
        get { serverTLS?.context }
        set { serverTLS = newValue.map { ServerTLS(fixed: $0) } }
    }
    public var appKeys: [SecretValue]
    public var adminHost: String
    public var adminPort: Int
    public var adminToken: SecretValue
    public var storePath: String?
    public var historyLimit: Int
    public var subscriptions: [PlatformSubscription]
    /// Wait for the edge's answer to a platform → edge request.
    public var requestTimeout: Duration
    /// Largest frame and chunk sent to edges (the C SDK reads 8192).
    public var chunkSize: Int

    public init(
        host: String = "127.0.0.1", port: Int = 0, resource: String = "/Thingworx/WS", tls: NIOSSLContext?,
        appKeys: [SecretValue], adminHost: String = "127.0.0.1", adminPort: Int = 0, adminToken: SecretValue,
        storePath: String? = nil, historyLimit: Int = 1_000, subscriptions: [PlatformSubscription] = [],
        requestTimeout: Duration = .seconds(10), chunkSize: Int = 8_192
    ) {
        self.host = host
        self.port = port
        self.resource = resource
        self.serverTLS = tls.map { ServerTLS(fixed: $0) }
        self.appKeys = appKeys
        self.adminHost = adminHost
        self.adminPort = adminPort
        self.adminToken = adminToken
        self.storePath = storePath
        self.historyLimit = historyLimit
        self.subscriptions = subscriptions
        self.requestTimeout = requestTimeout
        self.chunkSize = chunkSize
    }

    /// Resolves `platform.json`. Blocking (key files, key derivation): call at start-up.
    public init(config: PlatformConfig, resolver: SecretResolver) throws(PlatformError) {
        func open(_ secret: ConfigSecret, _ key: String) throws(PlatformError) -> SecretValue {
            do {
                return try resolver.resolve(secret.rawValue, key: key)
            } catch {
                throw PlatformError(.configuration, error.message)
            }
        }
        var keys: [SecretValue] = []
        for (index, key) in config.appKeys.enumerated() { keys.append(try open(key, "app_keys[\(index)]")) }
        guard let token = config.admin.token, !token.isEmpty else {
            throw PlatformError(.configuration, "admin.token is not set; the admin API needs a bearer token")
        }
        let adminToken = try open(token, "admin.token")
        self.init(
            host: config.listen.host, port: config.listen.port, resource: config.listen.resource, tls: nil,
            appKeys: keys, adminHost: config.admin.host, adminPort: config.admin.port, adminToken: adminToken,
            storePath: config.store.path, historyLimit: config.store.historyLimit, subscriptions: config.subscriptions)
        if let tls = config.tls {
            serverTLS = try Self.makeServerTLS(tls, resolver: resolver)
        }
    }

    /// The listener's reloadable TLS: `tls.directory`, else `tls.certificate` (+ `private_key`, or a
    /// merged PEM); `tls.client_ca` and the directory's ca.pem require client certificates.
    static func makeServerTLS(_ tls: PlatformTLSConfig, resolver: SecretResolver) throws(PlatformError) -> ServerTLS {
        let passphrase: PassphraseSource =
            tls.passphrase.map { .config($0.rawValue, key: "tls.passphrase", resolver: resolver) } ?? .none
        let source = ServerTLSSource(
            listener: "tls", directory: tls.directory, certificateFile: tls.certificate, keyFile: tls.privateKey,
            passphrase: passphrase, clientCAFiles: tls.clientCA)
        do throws(TLSMaterialError) {
            return try ServerTLS(source: source)
        } catch {
            throw PlatformError(.configuration, "tls: \(error.message)")
        }
    }

    /// A server context for `identity`; with `.required`, edges must present a certificate from those roots.
    public static func makeServerContext(identity: TLSIdentity, clientCertificates: ClientCertificatePolicy) throws(PlatformError) -> NIOSSLContext {
        do {
            return try NIOSSLContext(configuration: .outpostServer(identity: identity, clientCertificates: clientCertificates))
        } catch {
            throw PlatformError(.configuration, "cannot set up TLS: \(error)")
        }
    }

    /// Whether `candidate` is one of the configured app keys (constant time per key).
    func accepts(appKey candidate: String) -> Bool {
        var accepted = false
        for key in appKeys where key.constantTimeEquals(Array(candidate.utf8)) { accepted = true }
        return accepted
    }
}
