public import Logging
import NIOSSL
public import OutpostConfig
public import OutpostSecrets
public import OutpostTLS
import OutpostWire
import X509

extension UplinkSettings {
    /// Resolves `config.json` into settings: opens the app key and the key passphrase (plain or
    /// `enc:v1:`), decrypts the client key (every form OpenSSL writes, scrypt included), loads the CA
    /// file(s) and builds the TLS context. Logs a warning for each insecure choice.
    ///
    /// Blocking (file I/O, key derivation, trust store): call at start-up, off the event loops.
    public init(config: EMSConfig, resolver: SecretResolver, logger: Logger) throws(UplinkError) {
        let servers = config.wsServers.compactMap { server -> Server? in
            guard let host = server.host, let port = server.port else { return nil }
            return Server(host: host, port: port)
        }
        guard !servers.isEmpty else {
            throw UplinkError(.configuration, "ws_servers lists no platform address; add {\"host\": …, \"port\": …}")
        }
        guard let rawKey = config.appKey, !rawKey.isEmpty else {
            throw UplinkError(.configuration, "appKey is not set; set the platform application key")
        }
        let appKey: String
        do {
            appKey = try resolver.resolve(rawKey.rawValue, key: "appKey").reveal()
        } catch {
            throw UplinkError(.configuration, "appKey cannot be opened: \(error.message)")
        }

        let tls: TLS?
        switch config.wsConnection.encryption {
        case .none:
            logger.warning("ws_connection.encryption is \"none\": the uplink and its app key travel unencrypted (development only)")
            tls = nil
        case .ssl:
            tls = try Self.makeTLS(config.certificates, resolver: resolver, logger: logger)
        }

        let connection = config.wsConnection
        var gateway: BindBody.Gateway?
        var names: [String] = []
        for entry in config.autoBind where !entry.name.isEmpty {
            if entry.gateway {
                gateway = BindBody.Gateway(name: entry.name, type: "EMSGateway")
            } else {
                names.append(entry.name)
            }
        }
        let base = Duration.milliseconds(connection.connectRetryInterval)
        self.init(
            servers: servers,
            resource: config.resource,
            appKey: appKey,
            tls: tls,
            autoBind: names,
            gateway: gateway,
            messageTimeout: .milliseconds(connection.msgTimeout),
            pingInterval: .milliseconds(connection.pingRate),
            pongTimeout: .milliseconds(connection.pingpongTimeout),
            connectTimeout: .milliseconds(connection.connectTimeout),
            maxMessageSize: connection.maxMsgSize,
            chunkSize: min(connection.messageChunkSize, Int(UInt16.max)),
            maxFrameSize: connection.maxFrameSize,
            maxInFlight: connection.maxMessages,
            reconnect: ReconnectPolicy(
                maxInitialDelay: .milliseconds(connection.maxConnectDelay),
                baseDelay: base,
                maxDelay: max(.seconds(300), base))
        )
    }

    /// TLS from the `certificates` group; with `reloadable`, a ``UplinkTLSReloader`` watches its files.
    public static func makeTLS(
        _ certificates: CertificatesConfig, resolver: SecretResolver, logger: Logger, reloadable: Bool = true
    ) throws(UplinkError) -> TLS {
        var identity: TLSIdentity?
        if let certificateFile = certificates.clientCert, !certificateFile.isEmpty {
            let passphrase: PassphraseSource =
                certificates.keyPassphrase.map { .config($0.rawValue, key: "certificates.key_passphrase", resolver: resolver) } ?? .none
            do {
                identity = try TLSIdentity.load(certificateFile: certificateFile, keyFile: certificates.keyFile, passphrase: passphrase)
            } catch {
                throw UplinkError(.configuration, "the client certificate cannot be used: \(error.message)")
            }
            for warning in identity!.warnings { logger.warning("\(warning.message)") }
        }

        var fingerprints = Set<String>()
        for text in certificates.fingerprints {
            guard let normalized = CertificateFingerprint.normalize(text) else {
                throw UplinkError(.configuration, "certificates.fingerprints: \"\(text)\" is not a SHA-256 fingerprint (64 hex digits, colons optional)")
            }
            fingerprints.insert(normalized)
        }
        if !certificates.validate {
            logger.warning("Certificate validation is disabled (certificates.validate = false): any server can pose as the platform")
        }
        if certificates.allowSelfSigned {
            logger.warning("Self signed certificates are enabled (certificates.allow_self_signed = true)")
        }

        var roots: [Certificate] = []
        if certificates.validate {
            let configured = certificates.certChain + (certificates.trustedDirectory.map(TrustedCertificates.directoryFiles) ?? [])
            let paths = configured.isEmpty ? [Self.systemBundle] : configured
            do {
                let loaded = try TrustRoots.load(paths)
                roots = loaded.certificates.map(\.certificate)
                for warning in loaded.warnings { logger.warning("\(warning.message)") }
            } catch {
                throw UplinkError(.configuration, "certificates.cert_chain cannot be used: \(error.message)")
            }
        }
        let trust = ServerTrustPolicy(
            validate: certificates.validate, allowSelfSigned: certificates.allowSelfSigned, roots: roots,
            fingerprints: fingerprints)
        var tls = try makeTLS(trust: trust, identity: identity)
        if reloadable {
            tls.reloader = UplinkTLSReloader(certificates: certificates, resolver: resolver, logger: logger, initial: tls)
        }
        return tls
    }

    /// Builds the TLS context for a trust policy and an optional client identity. Verification itself
    /// runs in ``ServerTrustPolicy`` (so each failure has its own reason); BoringSSL does the handshake.
    public static func makeTLS(trust: ServerTrustPolicy, identity: TLSIdentity?) throws(UplinkError) -> TLS {
        var configuration = TLSConfiguration.outpostClient(
            identity: identity, verification: trust.needsVerification ? .noHostnameVerification : .none)
        // Our callback decides; an empty root list keeps NIOSSL from reading the system store.
        configuration.trustRoots = .certificates([])
        do {
            let context = try NIOSSLContext(configuration: configuration)
            return TLS(context: context, trust: trust, presentsClientCertificate: identity != nil)
        } catch {
            throw UplinkError(.configuration, "cannot set up TLS for the uplink: \(error)")
        }
    }

    /// Debian's CA bundle, used when `cert_chain` is empty.
    static let systemBundle = "/etc/ssl/certs/ca-certificates.crt"
}
