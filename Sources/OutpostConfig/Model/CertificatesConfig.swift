/// `certificates`: TLS policy for the upstream connection, and the gateway's client identity.
public struct CertificatesConfig: ConfigSection {
    public var validate = true
    /// false: the guide's table says true, its prose and the shipped files say false (spec §7.5).
    public var allowSelfSigned = false
    public var certChain: [String] = []
    /// An Outpost addition: every `*.pem` in this directory is trusted as well as `cert_chain` (for the
    /// platform and for HTTPS edge endpoints); re-read when files are added, removed or changed.
    public var trustedDirectory: String?
    public var clientCert: String?
    public var keyFile: String?
    public var keyPassphrase: ConfigSecret?
    public var validationCriteria: ValidationCriteria?
    /// SHA-256 fingerprints (hex, colons optional) the platform's certificate must match, if any are given.
    /// An Outpost addition: pinning that survives a CA compromise or a mis-issued certificate.
    public var fingerprints: [String] = []

    public init() {}

    public static let summary = "Upstream TLS: server validation and the client certificate."

    public static var fields: [ConfigField<CertificatesConfig>] {
        [
            .bool("validate", \.validate, "Verify the platform's certificate."),
            .bool("allow_self_signed", \.allowSelfSigned, "Accept a self-signed platform certificate."),
            .stringList("cert_chain", \.certChain, "PEM file(s) of trusted CA certificates."),
            .optionalString("trusted_directory", \.trustedDirectory, "Directory whose *.pem files are all trusted CA certificates, besides cert_chain (platform and HTTPS edge endpoints). Reloaded on change."),
            .optionalString("client_cert", \.clientCert, "PEM client certificate (chain) for mutual TLS."),
            .optionalString("key_file", \.keyFile, "Private key of client_cert, normally encrypted PKCS#8; absent when client_cert is a merged PEM holding the key."),
            .secret("key_passphrase", \.keyPassphrase, "Passphrase of key_file."),
            .optionalSection("validation_criteria", \.validationCriteria, "Extra exact-match checks on the platform certificate's subject and issuer."),
            .stringList("fingerprints", \.fingerprints, "SHA-256 fingerprints (hex, colons optional) of accepted platform certificates; empty accepts any that validates."),
        ]
    }

    public mutating func check(at path: ConfigPath, node: JSONNode, decoder: inout ConfigDecoder) {
        let hasCertificate = !(clientCert ?? "").isEmpty
        let hasKey = !(keyFile ?? "").isEmpty
        // client_cert without key_file: the key is inside client_cert (a merged PEM).
        if hasKey, !hasCertificate {
            decoder.error(.missing, path.appending("client_cert"), "key_file is set but client_cert is missing; set client_cert (PEM), or remove key_file", at: node)
        }
        for (index, fingerprint) in fingerprints.enumerated() {
            let hex = fingerprint.filter { $0 != ":" }
            if hex.count != 64 || !hex.allSatisfy(\.isHexDigit) {
                decoder.error(
                    .invalid, path.appending("fingerprints").appending(index: index),
                    "expected a SHA-256 fingerprint: 64 hex digits, colons optional (as printed by `openssl x509 -fingerprint -sha256`)",
                    at: node)
            }
        }
    }
}

/// `certificates.validation_criteria`: each present key must equal the certificate's field exactly.
public struct ValidationCriteria: ConfigSection {
    public var certCommonName: String?
    public var certOrganization: String?
    public var certOrganizationalName: String?
    public var caCertCommonName: String?
    public var caCertOrganization: String?
    public var caCertOrganizationalName: String?

    public init() {}

    public static let summary = "Exact-match checks on the platform certificate's subject and issuer."

    public static var fields: [ConfigField<ValidationCriteria>] {
        [
            .optionalString("Cert_Common_Name", \.certCommonName, "Required subject CN."),
            .optionalString("Cert_Organization", \.certOrganization, "Required subject O."),
            .optionalString("Cert_Organizational_Name", \.certOrganizationalName, "Required subject OU."),
            .optionalString("CA_Cert_Common_Name", \.caCertCommonName, "Required issuer CN."),
            .optionalString("CA_Cert_Organization", \.caCertOrganization, "Required issuer O."),
            .optionalString("CA_Cert_Organizational_Name", \.caCertOrganizationalName, "Required issuer OU."),
        ]
    }
}
