import Foundation
public import OutpostConfig
public import OutpostLua
public import OutpostSecrets
public import OutpostTLS

/// Everything the script resource needs, resolved from `config.lua`: the EMS connection, the callback
/// listener (TLS identity loaded, passwords opened), the things and where their templates are.
public struct LSRSettings: Sendable {
    /// The callback listener (`script_resource_*`) the EMS calls for platform requests.
    public struct Listener: Sendable {
        public var host: String
        /// 0 picks a free port (tests).
        public var port: Int
        /// nil: plain HTTP. Reloadable: TLS directory (ca.pem ⇒ client certificates required), SNI
        /// certificates, file watching; each accepted connection takes the newest context.
        public var serverTLS: ServerTLS?
        /// nil: no authentication.
        public var auth: LSRBasicAuth?
        public var maxClients: Int
        /// The certificate was made for this run (self-signed): the EMS is asked to accept it.
        public var selfSignedCertificate = false

        public init(host: String, port: Int, serverTLS: ServerTLS? = nil, auth: LSRBasicAuth? = nil, maxClients: Int = 16) {
            self.host = host
            self.port = port
            self.serverTLS = serverTLS
            self.auth = auth
            self.maxClients = maxClients
        }

        /// The host the EMS is told to call back: `0.0.0.0` (every interface) is sent as 127.0.0.1.
        public var advertisedHost: String {
            ["0.0.0.0", "", "*"].contains(host) ? "127.0.0.1" : host
        }

        public var scheme: String { serverTLS == nil ? "http" : "https" }
    }

    public var ems: EMSConnection
    public var listener: Listener
    /// `script_resource_userid` and the password in its stored form (plain or `enc:v1:`), sent in
    /// AddEdgeThing so the EMS can authenticate its callbacks; nil when authentication is off.
    public var callbackUser: String?
    public var callbackPassword: String?
    public var config: LuaScriptResourceConfig
    /// Directory `require "templates.<name>"` resolves in.
    public var scriptsDirectory: String
    /// `data_directory` resolved against the config file's directory: where `tw_dir.*` may write; nil: nowhere.
    public var dataDirectory: String?
    /// `http_timeout`, else `rap_timeout`: how long one `tw_http.*` request may take.
    public var httpTimeout: Duration
    public var limits: LuaLimits
    /// First and largest delay between registration attempts after a failure.
    public var retryInitial: Duration
    public var retryMaximum: Duration
    /// Lines for the start-up banner (TLS and authentication modes of both legs).
    public var notes: [String]

    /// Settings from a loaded `config.lua`.
    ///
    /// - Parameters:
    ///   - configPath: The file it was read from; `script_directory` and the default `scripts/` beside
    ///     it are resolved against its directory.
    public init(config: LuaScriptResourceConfig, configPath: String, resolver: SecretResolver) throws(LSRSetupError) {
        self.config = config
        notes = []
        let configured = config.limits
        limits = LuaLimits(
            instructionBudget: configured.instructions,
            memoryCap: configured.memoryMegabytes.map { Int($0) << 20 },
            timeout: configured.callTimeout.map { Double($0) / 1000 })
        retryInitial = .milliseconds(250)
        retryMaximum = .seconds(30)
        scriptsDirectory = Self.scriptsDirectory(config: config, configPath: configPath)
        ems = try Self.emsConnection(config.rap, resolver: resolver, notes: &notes)
        httpTimeout = config.httpTimeout.map { .milliseconds($0) } ?? ems.timeout
        if let configured = config.dataDirectory, !configured.isEmpty {
            let base = URL(fileURLWithPath: configPath).deletingLastPathComponent()
            dataDirectory = configured.hasPrefix("/") ? configured : base.appendingPathComponent(configured).standardizedFileURL.path
        }
        listener = try Self.listener(config.scriptResource, resolver: resolver, notes: &notes)
        if config.scriptResource.authenticate {
            callbackUser = config.scriptResource.userID
            callbackPassword = config.scriptResource.password?.rawValue
        }
    }

    /// `script_directory` if set (relative to the config file's directory), else `scripts/` beside the
    /// config file, else `scripts/` in the working directory.
    static func scriptsDirectory(config: LuaScriptResourceConfig, configPath: String) -> String {
        let base = URL(fileURLWithPath: configPath).deletingLastPathComponent()
        if let configured = config.scriptDirectory, !configured.isEmpty {
            return configured.hasPrefix("/") ? configured : base.appendingPathComponent(configured).standardizedFileURL.path
        }
        let beside = base.appendingPathComponent("scripts").standardizedFileURL.path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: beside, isDirectory: &isDirectory), isDirectory.boolValue { return beside }
        return URL(fileURLWithPath: "scripts").standardizedFileURL.path
    }
}
