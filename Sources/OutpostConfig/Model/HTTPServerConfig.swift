/// `http_server`: the local REST listener devices talk to.
public struct HTTPServerConfig: ConfigSection {
    public var host = "localhost"
    public var port = 8000
    public var portsToTry = 10
    /// Secure by default (the guide's default; `config.json.documented` says false).
    public var ssl = true
    public var certificate: String?
    public var privateKey: String?
    public var passphrase: ConfigSecret?
    public var useDefaultCertificate = false
    /// An Outpost addition: a directory with key.pem, cert.pem (+ chain.pem), optional ca.pem (clients
    /// must then present a certificate signed by it) and optional per-SNI-name subdirectories.
    public var tlsDirectory: String?
    public var authenticate = true
    public var user: String?
    public var password: ConfigSecret?
    public var contentReadTimeout = 20_000
    public var maxClients = 15

    public init() {}

    public static let summary = "The local REST listener (the EMS REST API)."

    public static var fields: [ConfigField<HTTPServerConfig>] {
        [
            .string("host", \.host, "Bind address; 0.0.0.0 exposes the API on every interface."),
            .integer("port", \.port, in: 1...65535, "Listen port."),
            .integer("ports_to_try", \.portsToTry, in: 0...1_000, "If the port is taken, also try port+1 … port+N."),
            .bool("ssl", \.ssl, "Serve HTTPS."),
            .optionalString("certificate", \.certificate, "PEM server certificate (chain)."),
            .optionalString("private_key", \.privateKey, "PEM private key of the certificate, encrypted; absent when certificate is a merged PEM holding the key."),
            .secret("passphrase", \.passphrase, "Passphrase of private_key."),
            .bool("use_default_certificate", \.useDefaultCertificate, "Use a certificate generated for this install on first start."),
            .optionalString("tls_directory", \.tlsDirectory, "Directory with key.pem and cert.pem (+ chain.pem); with ca.pem, client certificates signed by it are required; subdirectories named after host names hold SNI certificates. Reloaded on change."),
            .bool("authenticate", \.authenticate, "Require HTTP Basic authentication on every request."),
            .optionalString("user", \.user, "Basic-auth user name."),
            .secret("password", \.password, "Basic-auth password."),
            .integer("content_read_timeout", \.contentReadTimeout, in: 1...Int64.max, unit: "ms", "Longest wait for a request body."),
            .integer("max_clients", \.maxClients, in: 1...10_000, "Concurrent clients served; more get 503."),
        ]
    }

    public mutating func check(at path: ConfigPath, node: JSONNode, decoder: inout ConfigDecoder) {
        if authenticate {
            if (user ?? "").isEmpty {
                decoder.error(.missing, path.appending("user"), "authenticate is true but no user is set; set user and password, or set authenticate to false", at: node)
            }
            if password?.isEmpty ?? true {
                decoder.error(.missing, path.appending("password"), "authenticate is true but no password is set; set it (sealed with `outpost secret encrypt`)", at: node)
            }
        }
        if let user, user.contains(":") {
            decoder.error(.invalid, path.appending("user"), "must not contain ':' (HTTP Basic separates user and password with it)", at: node)
        }
        let hasCertificate = !(certificate ?? "").isEmpty
        let hasKey = !(privateKey ?? "").isEmpty
        if hasKey, !hasCertificate {
            decoder.error(.missing, path.appending("certificate"), "private_key is set but certificate is missing; set certificate (PEM), or remove private_key", at: node)
        }
        // Without private_key the key is expected inside certificate (a merged PEM); it must be encrypted either way.
        if hasCertificate, !useDefaultCertificate, passphrase?.isEmpty ?? true {
            decoder.error(.missing, path.appending("passphrase"), "Unencrypted private keys are not supported. Passphrase must be specified: encrypt the key (openssl pkcs8 -topk8) and set passphrase", at: node)
        }
        if ssl, useDefaultCertificate, hasCertificate {
            decoder.warning(.invalid, path.appending("use_default_certificate"), "is true, so certificate and private_key are ignored", at: node.position)
        }
    }
}
