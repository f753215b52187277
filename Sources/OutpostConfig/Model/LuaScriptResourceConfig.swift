/// The script resource's `config.lua` (`ems-lsr.md` §4.2–4.3): global `scripts.<key>` settings with the
/// original's defaults, and the script and thing entries.
///
/// Values keep the original's tolerance: `"true"`/`"false"` strings for booleans and numbers written as
/// strings (`"8001"`) are accepted, because the shipped examples use them.
public struct LuaScriptResourceConfig: Sendable, Equatable {
    public enum LogLevel: String, Sendable, CaseIterable {
        case force = "FORCE", error = "ERROR", warn = "WARN", info = "INFO", debug = "DEBUG", trace = "TRACE"
    }

    public struct Logging: Sendable, Equatable {
        public var level: LogLevel = .info
        public var auditTarget: String?
        public var publishDirectory: String?
        public var publishLevel: String?
        public var maxFileStorage: Int64 = 2_000_000
        public var autoFlush = true
        public var flushChunkSize: Int64 = 16_384
        public var bufferSize: Int64 = 4_096
    }

    /// How the script resource reaches the EMS REST facade ("rap").
    public struct RAP: Sendable, Equatable {
        public var host = "localhost"
        public var port = 8000
        public var ssl = true
        /// Per-request timeout in milliseconds; nil: the client's default (10 000).
        public var timeout: Int64?
        public var serverAuthenticate = true
        public var userID: String?
        public var password: ConfigSecret?
        public var validate = true
        public var certFile: String?
        /// `rap_trusted_directory` (an Outpost addition): every `*.pem` in it is trusted as well as
        /// `rap_cert_file`; both are re-read when they change.
        public var trustedDirectory: String?
        public var denySelfSigned = true
    }

    /// The script resource's own HTTP(S) listener, which the EMS calls back.
    public struct ScriptResource: Sendable, Equatable {
        public var host = "localhost"
        public var port = 8001
        public var ssl = true
        /// From `script_resource_certificate_chain` (or its alias `script_resource_certificate`).
        public var certificateChain: String?
        public var privateKey: String?
        public var passphrase: ConfigSecret?
        /// `script_resource_tls_directory` (an Outpost addition): key.pem, cert.pem (+ chain.pem), and
        /// ca.pem to require client certificates signed by it; reloaded when the files change.
        public var tlsDirectory: String?
        /// Default: true only when no certificate chain is configured.
        public var useDefaultCertificate = true
        public var authenticate = true
        public var userID: String?
        public var password: ConfigSecret?
        public var maxClients = 16
    }

    /// One `scripts.<Name> = { file = …, … }` entry. A thing when `file` is `thing.lua`.
    public struct Script: Sendable, Equatable {
        public var name: String
        public var file: String
        public var template: String?
        public var scanRate: Int64 = 60_000
        public var taskRate: Int64 = 15_000
        public var scanRateResolution: Int64 = 500
        public var keepAliveRate: Int64 = 60_000
        public var requestTimeout: Int64 = 15_000
        public var registerRate: Int64 = 43_200_000
        public var register = true
        public var identifier: String?
        public var maxConcurrentPropertyUpdates: Int64 = 100
        public var getPropertySubscriptionsOnReconnect = false
        public var useShapes = true
        public var defaultPushType = "VALUE"
        /// Every member as written (known keys included), which the template sees as `p_data.<key>`.
        public var members: [(key: String, value: LuaScriptResourceDocument.Value)] = []

        public var isThing: Bool { file == "thing.lua" }

        public init(name: String, file: String) {
            self.name = name
            self.file = file
        }

        public static func == (lhs: Script, rhs: Script) -> Bool {
            lhs.name == rhs.name && lhs.file == rhs.file && lhs.template == rhs.template && lhs.scanRate == rhs.scanRate
                && lhs.taskRate == rhs.taskRate && lhs.scanRateResolution == rhs.scanRateResolution
                && lhs.keepAliveRate == rhs.keepAliveRate && lhs.requestTimeout == rhs.requestTimeout
                && lhs.registerRate == rhs.registerRate && lhs.register == rhs.register && lhs.identifier == rhs.identifier
                && lhs.maxConcurrentPropertyUpdates == rhs.maxConcurrentPropertyUpdates
                && lhs.getPropertySubscriptionsOnReconnect == rhs.getPropertySubscriptionsOnReconnect
                && lhs.useShapes == rhs.useShapes && lhs.defaultPushType == rhs.defaultPushType
                && lhs.members.map(\.key) == rhs.members.map(\.key) && lhs.members.map(\.value) == rhs.members.map(\.value)
        }
    }

    /// Limits on every call into a thing's Lua state (an Outpost addition: the original has none, so one
    /// runaway script could stall the whole script resource). nil = unlimited (written as 0).
    public struct ScriptLimits: Sendable, Equatable {
        /// `lua_instruction_limit`: VM instructions one call may execute.
        public var instructions: Int64? = 50_000_000
        /// `lua_memory_limit_mb`: MiB one thing's state may hold.
        public var memoryMegabytes: Int64? = 64
        /// `lua_call_timeout`: milliseconds one call may run.
        public var callTimeout: Int64? = 10_000
    }

    public var logging = Logging()
    public var limits = ScriptLimits()
    public var fipsEnabled = false
    /// `strict_permissions` (an Outpost addition): refuse to start when config.lua or a private key
    /// file is accessible by group or others, instead of warning.
    public var strictPermissions = false
    public var rap = RAP()
    public var scriptResource = ScriptResource()
    /// `http_timeout`: the timeout of `tw_http` clients, in milliseconds.
    public var httpTimeout: Int64?
    /// `script_directory` override (COULD in the spec); nil: the default scripts directory.
    public var scriptDirectory: String?
    /// `data_directory` (an Outpost addition): the only directory `tw_dir.*` may write in, relative to
    /// the config file; nil: scripts can read the scripts directory but write nowhere.
    public var dataDirectory: String?
    public var scripts: [Script] = []
    /// Every scalar `scripts.<key>` as written: the base of each script's `p_data`.
    public var scalarGlobals: [(key: String, value: LuaScriptResourceDocument.Value)] = []

    public init() {}

    public var things: [Script] { scripts.filter(\.isThing) }

    public static func == (lhs: LuaScriptResourceConfig, rhs: LuaScriptResourceConfig) -> Bool {
        lhs.logging == rhs.logging && lhs.limits == rhs.limits && lhs.fipsEnabled == rhs.fipsEnabled && lhs.rap == rhs.rap
            && lhs.scriptResource == rhs.scriptResource && lhs.httpTimeout == rhs.httpTimeout
            && lhs.scriptDirectory == rhs.scriptDirectory && lhs.dataDirectory == rhs.dataDirectory && lhs.scripts == rhs.scripts
            && lhs.scalarGlobals.map(\.key) == rhs.scalarGlobals.map(\.key)
            && lhs.scalarGlobals.map(\.value) == rhs.scalarGlobals.map(\.value)
    }

    /// The global keys §4.2 knows, for did-you-mean suggestions.
    public static let globalKeys: [String] = [
        "log_level", "log_audit_target", "log_publish_directory", "log_publish_level", "log_max_file_storage",
        "log_auto_flush", "log_flush_chunk_size", "log_buffer_size", "fips_enabled",
        "rap_host", "rap_port", "rap_ssl", "rap_timeout", "rap_server_authenticate", "rap_userid", "rap_password",
        "rap_validate", "rap_cert_file", "rap_trusted_directory", "rap_deny_selfsigned", "strict_permissions",
        "script_resource_host", "script_resource_port", "script_resource_ssl", "script_resource_certificate_chain",
        "script_resource_certificate", "script_resource_private_key", "script_resource_passphrase",
        "script_resource_use_default_certificate", "script_resource_tls_directory", "script_resource_authenticate", "script_resource_userid",
        "script_resource_password", "max_clients", "http_timeout",
        "script_directory", "data_directory", "script_library_path", "script_lib_path", "script_clib_path",
        "lua_instruction_limit", "lua_memory_limit_mb", "lua_call_timeout",
    ]

    /// The keys of a script or thing entry §4.3 knows; any other key is passed to the template.
    public static let entryKeys: [String] = [
        "file", "template", "scanRate", "updateRate", "taskRate", "scanRateResolution", "keepAliveRate",
        "requestTimeout", "registerRate", "register", "identifier", "maxConcurrentPropertyUpdates",
        "getPropertySubscriptionsOnReconnect", "useShapes", "defaultPushType", "content", "max_run_time", "http_timeout",
    ]
}
