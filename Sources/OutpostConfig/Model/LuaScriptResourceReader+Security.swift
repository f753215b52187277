extension LuaScriptResourceReader {
    /// Checks across keys: the credentials rule that stops the original LSR, the insecure-setting warnings
    /// of §5.6 for the script-resource side, TLS material, and plain-text or `AES:` secrets.
    mutating func crossChecks(_ config: LuaScriptResourceConfig, presentKeys: [String: SourcePosition]) {
        func insecure(_ key: String, _ message: String) {
            add(.warning, .insecure, key, message, presentKeys[key])
        }
        let server = config.scriptResource
        if server.authenticate && (server.userID ?? "").isEmpty || server.authenticate && (server.password?.isEmpty ?? true) {
            add(.error, .missing, "script_resource_authenticate",
                "script_resource_userid and script_resource_password can not be empty when script_resource_authenticate is enabled.",
                presentKeys["script_resource_authenticate"] ?? presentKeys["script_resource_userid"] ?? presentKeys["script_resource_password"])
        }
        if !config.rap.ssl {
            insecure("rap_ssl", "Encryption is disabled on the RAP connection: requests to the EMS, credentials included, cross the network in clear text; set rap_ssl = true")
        }
        if config.rap.ssl && !config.rap.validate {
            insecure("rap_validate", "Certificate validation is disabled for the RAP connection: the EMS's identity is not checked; set rap_validate = true and rap_cert_file to its CA")
        }
        if config.rap.ssl && config.rap.validate && !config.rap.denySelfSigned {
            insecure("rap_deny_selfsigned", "Self signed certificates are enabled for the RAP connection: any self-signed server is accepted as the EMS; set rap_deny_selfsigned = true")
        }
        if config.rap.ssl && config.rap.validate && (config.rap.certFile ?? "").isEmpty && (config.rap.trustedDirectory ?? "").isEmpty {
            add(.warning, .missing, "rap_cert_file", "rap_validate is on but rap_cert_file is not set: every request to the EMS will fail certificate validation; set it to the EMS's CA (PEM)", presentKeys["rap_validate"])
        }
        if !config.rap.serverAuthenticate {
            insecure("rap_server_authenticate", "Authentication to the EMS is disabled: no credentials are sent; set rap_server_authenticate = true with rap_userid and rap_password")
        } else if (config.rap.userID ?? "").isEmpty || (config.rap.password?.isEmpty ?? true) {
            add(.warning, .missing, "rap_server_authenticate", "rap_server_authenticate is on but rap_userid or rap_password is empty: an EMS that requires authentication will answer 401; set both to the EMS's http_server user and password", presentKeys["rap_server_authenticate"])
        }
        if !server.ssl {
            insecure("script_resource_ssl", "Encryption is disabled on the script resource's HTTP server: the EMS's callbacks and credentials cross the network in clear text; set script_resource_ssl = true")
        } else if server.useDefaultCertificate {
            insecure(presentKeys["script_resource_use_default_certificate"] != nil ? "script_resource_use_default_certificate" : "script_resource_ssl",
                     "the script resource's HTTP server uses the built-in certificate, which is self-signed and shared by every installation: development only; set script_resource_certificate_chain, script_resource_private_key and script_resource_passphrase")
        } else if (server.tlsDirectory ?? "").isEmpty {
            if (server.certificateChain ?? "").isEmpty {
                add(.error, .missing, "script_resource_certificate_chain", "HTTPS without the built-in certificate needs script_resource_certificate_chain (PEM)", presentKeys["script_resource_use_default_certificate"])
            }
            if (server.privateKey ?? "").isEmpty {
                add(.error, .missing, "script_resource_private_key", "HTTPS without the built-in certificate needs script_resource_private_key (an encrypted PEM key)", presentKeys["script_resource_certificate_chain"] ?? presentKeys["script_resource_certificate"])
            } else if server.passphrase?.isEmpty ?? true {
                add(.error, .missing, "script_resource_passphrase", "Unencrypted private keys are not supported. Passphrase must be specified.", presentKeys["script_resource_private_key"])
            }
        }
        if !server.authenticate {
            insecure("script_resource_authenticate", "Authentication is disabled on the script resource's HTTP server: anyone who can reach port \(server.port) can read and write the things' properties and call their services; set script_resource_authenticate = true with script_resource_userid and script_resource_password")
        }
        if ["0.0.0.0", "::", "*", "[::]"].contains(server.host) {
            insecure("script_resource_host", "\(server.host) exposes the script resource on every network interface; bind to 127.0.0.1 unless the EMS runs on another machine")
        }
        for secret in secrets {
            switch secret.secret.form {
            case .plain where !secret.secret.isEmpty:
                findings.append(ConfigFinding(.warning, .plaintextSecret, path: secret.path.description,
                    "secret is stored in plain text; seal it with `outpost secret encrypt` and paste the enc:v1: value", at: secret.position))
            case .legacyAES:
                findings.append(ConfigFinding(.error, .unsupported, path: secret.path.description,
                    "is an AES: value from the original LSR, encrypted with PTC's built-in key, which Outpost does not have; seal the plain value with `outpost secret encrypt` instead", at: secret.position))
            default:
                break
            }
        }
    }
}
