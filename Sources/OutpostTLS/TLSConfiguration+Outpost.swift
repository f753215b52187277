public import NIOSSL

/// Whether the local TLS server asks connecting clients for a certificate.
public enum ClientCertificatePolicy: Sendable {
    /// No client certificates (HTTP Basic authenticates callers).
    case none
    /// Clients must present a certificate that chains to these roots.
    case required(TrustRoots)
    /// Clients may present one; if they do, it must chain to these roots.
    case optional(TrustRoots)
}

extension TLSConfiguration {
    /// ECDHE key exchange with AEAD ciphers only, for TLS 1.2. TLS 1.3 suites are all AEAD and are
    /// fixed by BoringSSL. No static RSA, no CBC, no SHA-1 MACs (the original EMS offered all three).
    public static let outpostCipherSuites: [NIOTLSCipher] = [
        .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        .TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        .TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]

    /// A server configuration: TLS 1.2 minimum, ``outpostCipherSuites``, presenting `identity`.
    ///
    /// `NIOSSLContext(configuration:)` does blocking I/O (it may load the system trust store): build
    /// the context at start-up or on a thread pool, never on an event loop.
    public static func outpostServer(
        identity: TLSIdentity, clientCertificates: ClientCertificatePolicy = .none
    ) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: identity.certificateSources, privateKey: identity.privateKeySource)
        configuration.minimumTLSVersion = .tlsv12
        configuration.cipherSuiteValues = outpostCipherSuites
        switch clientCertificates {
        case .none:
            configuration.certificateVerification = .none
        case .required(let roots):
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = roots.nioTrustRoots
            configuration.sendCANameList = true
        case .optional(let roots):
            configuration.certificateVerification = .optionalVerification
            configuration.trustRoots = roots.nioTrustRoots
            configuration.sendCANameList = true
        }
        return configuration
    }

    /// A client configuration: TLS 1.2 minimum, ``outpostCipherSuites``, verifying the server against
    /// `trustRoots` (nil: the system store), optionally presenting `identity` for mutual TLS.
    ///
    /// `verification` defaults to full verification, host name included; `.noHostnameVerification`
    /// still checks the chain. As with the server, create the `NIOSSLContext` off the event loop.
    public static func outpostClient(
        trustRoots: TrustRoots? = nil,
        identity: TLSIdentity? = nil,
        verification: CertificateVerification = .fullVerification
    ) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.cipherSuiteValues = outpostCipherSuites
        configuration.certificateVerification = verification
        if let trustRoots { configuration.trustRoots = trustRoots.nioTrustRoots }
        if let identity {
            configuration.certificateChain = identity.certificateSources
            configuration.privateKey = identity.privateKeySource
        }
        return configuration
    }
}
