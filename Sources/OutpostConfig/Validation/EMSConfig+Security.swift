extension EMSConfig {
    /// The warnings EMS 5.4 prints at start-up for insecure settings, plus Outpost's own: plain-text
    /// secrets (naming the key, never the value) and `AES:` values nobody here can open.
    func securityFindings(
        secrets: [ConfigSecretOccurrence],
        presentKeys: [String: SourcePosition]
    ) -> [ConfigFinding] {
        var findings: [ConfigFinding] = []
        func insecure(_ path: String, _ message: String) {
            findings.append(ConfigFinding(.warning, .insecure, path: path, message, at: presentKeys[path]))
        }
        if !httpServer.ssl {
            insecure("http_server.ssl", "Encryption is disabled on the HTTP server: credentials and data cross the network in clear text; set ssl to true")
        }
        if !httpServer.authenticate {
            insecure("http_server.authenticate", "Authentication is disabled on the HTTP server: anyone who can reach port \(httpServer.port) acts with the appKey's rights; set authenticate, user and password")
        }
        if ["0.0.0.0", "::", "*", "[::]"].contains(httpServer.host) {
            insecure("http_server.host", "\(httpServer.host) exposes the REST API on every network interface; bind to 127.0.0.1 or one LAN address unless that is intended")
        }
        if wsConnection.encryption == .none {
            insecure("ws_connection.encryption", "Encryption is disabled on the WebSocket connection: the appKey and all data cross the network in clear text; use \"ssl\"")
        }
        if !certificates.validate {
            insecure("certificates.validate", "Certificate validation is disabled: the platform's identity is not checked; set validate to true and cert_chain to your CA")
        }
        if certificates.allowSelfSigned {
            insecure("certificates.allow_self_signed", "Self signed certificates are enabled: any self-signed server is accepted as the platform; set allow_self_signed to false")
        }
        for secret in secrets {
            switch secret.secret.form {
            case .plain where !secret.path.components.isEmpty:
                findings.append(ConfigFinding(
                    .warning, .plaintextSecret, path: secret.path.description,
                    "secret is stored in plain text; seal it with `outpost secret encrypt` and paste the enc:v1: value",
                    at: secret.position
                ))
            case .legacyAES:
                findings.append(ConfigFinding(
                    .error, .unsupported, path: secret.path.description,
                    "is an AES: value from the original EMS, encrypted with PTC's built-in key, which Outpost does not have; seal the plain value with `outpost secret encrypt` instead",
                    at: secret.position
                ))
            default:
                break
            }
        }
        return findings
    }
}
