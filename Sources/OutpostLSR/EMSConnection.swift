public import NIOSSL
public import OutpostSecrets
public import OutpostTLS

/// How the script resource reaches the EMS REST facade (the `rap_*` settings), resolved: URL, TLS
/// policy, credentials and timeout.
public struct EMSConnection: Sendable {
    /// `https://host:port` or `http://host:port`, no trailing slash.
    public var baseURL: String
    /// nil: plain HTTP.
    public var tls: TLSConfiguration?
    /// The EMS certificate is verified (`rap_validate` on HTTPS).
    public var validates = false
    /// Refuse a self-signed EMS certificate (`rap_deny_selfsigned` with `rap_validate` on HTTPS).
    public var denySelfSigned: Bool
    /// DER of every certificate in `rap_cert_file`: a self-signed EMS certificate is accepted (when
    /// `rap_deny_selfsigned` is false) only if it is one of these, byte for byte. Used when ``trust`` is nil.
    public var pinnedCertificates: [[UInt8]] = []
    /// The trusted CAs (`rap_cert_file` + `rap_trusted_directory`), re-read when the files change;
    /// each new connection verifies against the set in use. nil: ``tls`` as configured.
    public var trust: TrustedCertificates?
    /// The `Authorization` header value; nil: no credentials are sent.
    public var authorization: SecretValue?
    /// `rap_userid`, for messages (never the password).
    public var userID: String?
    /// `rap_cert_file`, for messages.
    public var certificateFile: String?
    /// Per-request timeout (`rap_timeout`).
    public var timeout: Duration

    public init(
        baseURL: String, tls: TLSConfiguration? = nil, denySelfSigned: Bool = false, authorization: SecretValue? = nil,
        userID: String? = nil, certificateFile: String? = nil, timeout: Duration = .seconds(10)
    ) {
        self.baseURL = baseURL
        self.tls = tls
        self.denySelfSigned = denySelfSigned
        self.authorization = authorization
        self.userID = userID
        self.certificateFile = certificateFile
        self.timeout = timeout
    }

    /// The certificates a self-signed EMS certificate must be one of: the current trusted set.
    public var currentPinnedCertificates: [[UInt8]] {
        trust.map { $0.roots.certificates.map(\.der) } ?? pinnedCertificates
    }

    /// ``tls`` with the trusted CAs in use now (a reloaded `rap_cert_file` applies to new connections).
    public func currentTLS() -> TLSConfiguration? {
        guard var tls, let trust else { return self.tls }
        tls.trustRoots = trust.nioTrustRoots
        return tls
    }

    /// `host:port` of the EMS, for messages.
    public var endpoint: String {
        String(baseURL.drop { $0 != ":" }.dropFirst(3))
    }
}
