import Foundation
public import NIOSSL
public import OutpostConfig
public import OutpostSecrets
public import OutpostTLS
public import OutpostWire

/// Everything the REST facade needs, resolved from `config.json`: secrets opened, TLS context built.
public struct EMSSettings: Sendable {
    public var host: String
    /// 0 picks a free port (tests).
    public var port: Int
    public var portsToTry: Int
    /// nil: plain HTTP. Reloadable: TLS directory, SNI certificates, file watching.
    public var serverTLS: ServerTLS?
    /// The current TLS context; setting one wraps it as a fixed (not reloadable) ``ServerTLS``.
    public var tls: NIOSSLContext? {
        get { serverTLS?.context }
        set { serverTLS = newValue.map { ServerTLS(fixed: $0) } }
    }
    /// nil: no authentication.
    public var auth: BasicAuthVerifier?
    public var contentReadTimeout: Duration
    public var maxClients: Int
    /// Largest request body; larger → 413.
    public var maxBodyBytes: Int
    /// Keep-alive connections idle this long are closed.
    public var idleTimeout: Duration
    /// `Retry-After` seconds while the platform is offline.
    public var retryAfterSeconds: Int
    /// How often bound edge endpoints are probed (their keepalive, at most this).
    public var probeInterval: Duration
    /// Consecutive failed probes before a thing is unbound upstream.
    public var unbindAfterFailures: Int
    public var failedLoginLimit: Int
    public var failedLoginWindow: Duration
    public var maxURILength: Int
    public var maxHeaderBytes: Int
    /// `auto_bind` entries.
    public var bindings: [EdgeBinding]
    /// The loaded config with every secret masked (GetConfiguration).
    public var maskedConfiguration: JSONValue
    public var version: String
    /// Lines for the start-up banner (TLS source, auth state).
    public var notes: [String]
    /// The file LocalEms services write (AddEdgeThing persist, UpdateConfiguration); nil: none.
    public var configFile: String?
    /// Who may call `Restart`, and what a restart does.
    public var restart = RestartGate()
    /// PEM CA files trusted, besides the system's, for `https` edge endpoints (`certificates.cert_chain`).
    public var edgeTrustRoots: [String] = []
    /// How long opening a connection to an edge endpoint may take, TLS handshake included. A closed
    /// port on the endpoint's host fails at once; this bounds a host that does not answer at all.
    public var edgeConnectTimeout: Duration = .seconds(3)
    /// The same CAs plus every `*.pem` of `certificates.trusted_directory`, re-read when the files
    /// change; when set, edge endpoints are verified against it instead of ``edgeTrustRoots``.
    public var edgeTrust: TrustedCertificates?
    /// Who may call LocalEms `ReloadCertificates`, and what it reloads.
    public var certificateReload = CertificateReloadGate()
    /// The `proxy` group when it names a host; only LocalEms `TestPort {useProxy: true}` uses it.
    public var proxy: ProxyConfig?

    public init(
        host: String = "127.0.0.1", port: Int = 0, portsToTry: Int = 0, tls: NIOSSLContext? = nil,
        auth: BasicAuthVerifier? = nil, contentReadTimeout: Duration = .seconds(20), maxClients: Int = 15,
        maxBodyBytes: Int = 1_048_576, idleTimeout: Duration = .seconds(60), retryAfterSeconds: Int = 10,
        probeInterval: Duration = .seconds(60), unbindAfterFailures: Int = 3, failedLoginLimit: Int = 10,
        failedLoginWindow: Duration = .seconds(60), maxURILength: Int = 8192, maxHeaderBytes: Int = 16384,
        bindings: [EdgeBinding] = [], maskedConfiguration: JSONValue = .object([:]),
        version: String = "5.4.0.114-outpost", notes: [String] = []
    ) {
        self.host = host
        self.port = port
        self.portsToTry = portsToTry
        self.serverTLS = tls.map { ServerTLS(fixed: $0) }
        self.auth = auth
        self.contentReadTimeout = contentReadTimeout
        self.maxClients = maxClients
        self.maxBodyBytes = maxBodyBytes
        self.idleTimeout = idleTimeout
        self.retryAfterSeconds = retryAfterSeconds
        self.probeInterval = probeInterval
        self.unbindAfterFailures = unbindAfterFailures
        self.failedLoginLimit = failedLoginLimit
        self.failedLoginWindow = failedLoginWindow
        self.maxURILength = maxURILength
        self.maxHeaderBytes = maxHeaderBytes
        self.bindings = bindings
        self.maskedConfiguration = maskedConfiguration
        self.version = version
        self.notes = notes
    }

    /// Settings from a loaded config.
    ///
    /// - Parameters:
    ///   - configBytes: The file as read, for GetConfiguration (masked here).
    ///   - stateDirectory: Where the per-install certificate lives when `ssl` is on without a certificate.
    public init(
        config: EMSConfig, configBytes: [UInt8], resolver: SecretResolver, stateDirectory: String, version: String
    ) throws(EMSSetupError) {
        let http = config.httpServer
        var notes: [String] = []
        self.init()
        host = http.host
        port = http.port
        portsToTry = http.portsToTry
        contentReadTimeout = .milliseconds(http.contentReadTimeout)
        maxClients = http.maxClients
        maxBodyBytes = config.wsConnection.maxMsgSize
        self.version = version
        if http.authenticate {
            guard let user = http.user, !user.isEmpty, let password = http.password, !password.isEmpty else {
                throw EMSSetupError("http_server.authenticate is true but user or password is missing")
            }
            do {
                auth = BasicAuthVerifier(user: user, password: try resolver.resolve(password.rawValue, key: "http_server.password"))
            } catch {
                throw EMSSetupError(error.message)
            }
            notes.append("authentication: HTTP Basic (user \(user))")
        } else {
            notes.append("authentication: OFF — anyone who can reach the port can use the API")
        }
        if http.ssl {
            let (tls, tlsNotes) = try Self.makeServerTLS(http, resolver: resolver, stateDirectory: stateDirectory)
            serverTLS = tls
            notes += tlsNotes
        } else {
            notes.append("TLS: OFF — requests and credentials travel in clear")
        }
        var bindings: [EdgeBinding] = []
        for (index, entry) in config.autoBind.enumerated() {
            var binding: EdgeBinding
            do {
                binding = try EdgeBinding(config: entry, resolver: resolver)
            } catch {
                throw EMSSetupError(error.message)
            }
            do {
                try binding.loadCertChain()
            } catch {
                throw EMSSetupError("auto_bind[\(index)].cert_chain (\(entry.name)): \(error.message)")
            }
            bindings.append(binding)
        }
        self.bindings = bindings
        self.restart.policy = config.restInterface.restart
        self.certificateReload.policy = config.restInterface.restart
        self.edgeTrustRoots = config.certificates.certChain
        let trustedDirectory = config.certificates.trustedDirectory.flatMap { $0.isEmpty ? nil : $0 }
        if !config.certificates.certChain.isEmpty || trustedDirectory != nil {
            do {
                edgeTrust = try TrustedCertificates(
                    name: "certificates.cert_chain", files: config.certificates.certChain, directory: trustedDirectory)
            } catch {
                throw EMSSetupError(error.message)
            }
        }
        self.proxy = config.proxy.flatMap { ($0.host ?? "").isEmpty ? nil : $0 }
        self.maskedConfiguration = ConfigMasking.masked(configBytes)
        self.notes = notes
    }
}

extension EMSSettings {
    /// The listener's reloadable TLS: `tls_directory`, else `certificate` (+ `private_key`, or a merged
    /// PEM), else the certificate generated for this install in `stateDirectory`.
    static func makeServerTLS(
        _ http: HTTPServerConfig, resolver: SecretResolver, stateDirectory: String
    ) throws(EMSSetupError) -> (ServerTLS, [String]) {
        let host = http.host
        let keyFilePath = resolver.keyFilePath
        let installPath = stateDirectory + "/" + InstallCertificate.certificateFileName
        let existed = FileManager.default.fileExists(atPath: installPath)
        let source = ServerTLSSource(
            listener: "http_server", directory: http.tlsDirectory,
            certificateFile: http.useDefaultCertificate ? nil : http.certificate,
            keyFile: http.useDefaultCertificate ? nil : http.privateKey,
            passphrase: .config(http.passphrase?.rawValue ?? "", key: "http_server.passphrase", resolver: resolver),
            installDefault: {
                try InstallCertificate.loadOrCreate(directory: stateDirectory, host: host, keyFilePath: keyFilePath).identity
            })
        let tls: ServerTLS
        do throws(TLSMaterialError) {
            tls = try ServerTLS(source: source)
        } catch {
            throw EMSSetupError("http_server TLS: \(error.message)")
        }
        var notes: [String] = []
        if let material = tls.material {
            let name = material.defaultIdentity.summary.displayName
            if material.defaultIdentity.certificatePath == installPath {
                notes.append(
                    existed
                        ? "TLS certificate: this install's certificate \(installPath)"
                        : "TLS certificate: generated for this install in \(installPath)")
            } else {
                notes.append("TLS certificate: \(material.origin) (\(name))")
            }
            if let clientCA = material.clientCA {
                notes.append("TLS client certificates: required, signed by \(clientCA.paths.joined(separator: ", "))")
            }
            for name in material.selection.byName.keys.sorted() {
                notes.append("TLS certificate for SNI name \(name) (and its subdomains)")
            }
            for warning in material.warnings { notes.append("TLS warning: \(warning.message)") }
        }
        return (tls, notes)
    }

    /// A config file as GetConfiguration shows it: keys in file order, every secret masked.
    public static func maskedConfiguration(of bytes: [UInt8]) -> JSONValue {
        ConfigMasking.masked(bytes)
    }
}

/// Why `outpost ems` cannot start.
public struct EMSSetupError: Error, Sendable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// GetConfiguration's view of the file: keys in file order, every secret replaced.
enum ConfigMasking {
    static let mask = "********"

    static func masked(_ bytes: [UInt8]) -> JSONValue {
        guard let json = try? JSONValue(parsing: bytes) else { return .object([:]) }
        return masked(json)
    }

    static func isSecretKey(_ key: String) -> Bool {
        let lower = key.lowercased()
        return ["password", "passphrase", "appkey", "app_key", "secret", "token", "key_passphrase"].contains { lower.contains($0) }
    }

    static func masked(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            var result = JSONObject()
            for member in object {
                if isSecretKey(member.key), case .string(let text) = member.value {
                    result.append(member.key, .string(text.isEmpty ? "" : mask))
                } else {
                    result.append(member.key, masked(member.value))
                }
            }
            return .object(result)
        case .array(let items):
            return .array(items.map(masked))
        default:
            return value
        }
    }
}
