/// `platform.json`: the reference platform (`outpost platform`), a stand-in for the real IoT platform so
/// the uplink can be run and tested on one machine. Read with the same machinery as `config.json`, so
/// typos, wrong types and plain-text secrets are reported the same way.
public struct PlatformConfig: ConfigSection {
    public var listen = PlatformListenConfig()
    public var tls: PlatformTLSConfig?
    /// App keys accepted in AUTH (plain or `enc:v1:`).
    public var appKeys: [ConfigSecret] = []
    public var admin = PlatformAdminConfig()
    public var store = PlatformStoreConfig()
    public var subscriptions: [PlatformSubscription] = []

    public init() {}

    public static let summary = "Outpost reference platform configuration (platform.json)."

    public static var fields: [ConfigField<PlatformConfig>] {
        [
            .section("listen", \.listen, PlatformListenConfig.summary),
            .optionalSection("tls", \.tls, PlatformTLSConfig.summary),
            .secretList("app_keys", \.appKeys, "Application keys accepted in AUTH; others get UNAUTHORIZED (0x81)."),
            .section("admin", \.admin, PlatformAdminConfig.summary),
            .section("store", \.store, PlatformStoreConfig.summary),
            .sectionArray("subscriptions", \.subscriptions, "Property subscriptions answered to GetPropertySubscriptions."),
        ]
    }

    public mutating func check(at path: ConfigPath, node: JSONNode, decoder: inout ConfigDecoder) {
        if appKeys.isEmpty {
            decoder.error(.missing, path.appending("app_keys"), "no application key is configured; every edge would be refused", at: node)
        }
        if tls == nil {
            decoder.warning(.insecure, path.appending("tls"), "is absent: the platform listens without TLS (development only)", at: node.position)
        }
    }
}

/// `listen`: where edges connect.
public struct PlatformListenConfig: ConfigSection {
    public var host = "127.0.0.1"
    public var port = 8443
    public var resource = "/Thingworx/WS"

    public init() {}

    public static let summary = "Address and path of the AlwaysOn WebSocket endpoint."

    public static var fields: [ConfigField<PlatformListenConfig>] {
        [
            .string("host", \.host, "Address to listen on."),
            .integer("port", \.port, in: 0...65535, "TCP port; 0 picks a free one."),
            .string("resource", \.resource, "HTTP path of the WebSocket upgrade."),
        ]
    }
}

/// `tls`: the platform's server certificate and, for mutual TLS, the CA that signs edge certificates.
public struct PlatformTLSConfig: ConfigSection {
    public var certificate = ""
    public var privateKey = ""
    public var passphrase: ConfigSecret?
    /// PEM CA file(s); when set, edges must present a certificate chaining to them.
    public var clientCA: [String] = []
    /// A TLS directory (key.pem, cert.pem, chain.pem, ca.pem → mTLS, SNI subdirectories), reloaded on change.
    public var directory = ""

    public init() {}

    public static let summary = "TLS server identity and the client CA for mutual TLS."

    public static var fields: [ConfigField<PlatformTLSConfig>] {
        [
            .string("certificate", \.certificate, "PEM server certificate (chain); may also hold the key (merged PEM)."),
            .string("private_key", \.privateKey, "Private key of the certificate, normally encrypted; absent for a merged PEM."),
            .secret("passphrase", \.passphrase, "Passphrase of private_key."),
            .stringList("client_ca", \.clientCA, "PEM CA file(s) edge certificates must chain to; absent means no client certificates."),
            .string("directory", \.directory, "TLS directory: key.pem and cert.pem (+ chain.pem); ca.pem there requires client certificates signed by it; subdirectories named after host names hold SNI certificates."),
        ]
    }

    public mutating func check(at path: ConfigPath, node: JSONNode, decoder: inout ConfigDecoder) {
        if certificate.isEmpty, directory.isEmpty {
            decoder.error(.missing, path.appending("certificate"), "set certificate (and private_key) or directory", at: node)
        }
    }
}

/// `admin`: the token-protected HTTP API for operators and tests (loopback only by default).
public struct PlatformAdminConfig: ConfigSection {
    public var host = "127.0.0.1"
    public var port = 8444
    public var token: ConfigSecret?

    public init() {}

    public static let summary = "Admin HTTP API (Authorization: Bearer <token>)."

    public static var fields: [ConfigField<PlatformAdminConfig>] {
        [
            .string("host", \.host, "Address to listen on; keep it on loopback."),
            .integer("port", \.port, in: 0...65535, "TCP port; 0 picks a free one."),
            .secret("token", \.token, required: true, "Bearer token required on every admin request."),
        ]
    }
}

/// `store`: where things, property values and history are kept between runs.
public struct PlatformStoreConfig: ConfigSection {
    public var path: String?
    public var historyLimit = 1_000

    public init() {}

    public static let summary =
        "Thing store file (SQLite, appended to as values arrive; an old JSON store there is imported once); absent keeps things in memory."

    public static var fields: [ConfigField<PlatformStoreConfig>] {
        [
            .optionalString(
                "path", \.path,
                "SQLite file holding things, properties and history; a JSON store of earlier versions found there is imported and kept as <path>.imported-json."),
            .integer("history_limit", \.historyLimit, in: 1...1_000_000, "Values kept per property."),
        ]
    }
}

/// `subscriptions[]`: what `GetPropertySubscriptions` answers for one thing's property.
public struct PlatformSubscription: ConfigSection {
    public enum PushType: String, Sendable, CaseIterable {
        case always = "ALWAYS"
        case never = "NEVER"
        case value = "VALUE"
        case deadband = "DEADBAND"
        case on = "ON"
        case off = "OFF"
    }

    public var thing = ""
    public var property = ""
    public var pushType: PushType = .value
    public var pushThreshold: Double = 0

    public init() {}

    public static let summary = "A property subscription of a thing."

    public static var fields: [ConfigField<PlatformSubscription>] {
        [
            .string("thing", \.thing, "Thing name.").required(),
            .string("property", \.property, "Property name (edgeName).").required(),
            .choice("push_type", \.pushType, "When the edge should push the value."),
            .integer("push_threshold", \.pushThresholdInteger, in: 0...Int64(Int32.max), "Change needed before a push (VALUE, DEADBAND)."),
        ]
    }

    var pushThresholdInteger: Int {
        get { Int(pushThreshold) }
        set { pushThreshold = Double(newValue) }
    }
}
