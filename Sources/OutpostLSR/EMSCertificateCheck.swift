import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import OutpostTLS

/// One TLS handshake with the EMS that only looks at the certificate it presents, for the self-signed
/// policy: with `rap_deny_selfsigned` a self-issued leaf (subject = issuer) is refused; without it, one
/// is accepted if `rap_cert_file` holds exactly that certificate (TLS libraries do not take a
/// self-signed leaf as a trust anchor). A CA-issued certificate is verified by the HTTP client on every
/// request (chain and host name).
struct EMSCertificateCheck: Sendable {
    let host: String
    let port: Int
    let endpoint: String
    let denySelfSigned: Bool
    /// Asked at each check, so a reloaded `rap_cert_file` counts.
    let pinned: @Sendable () -> [[UInt8]]

    /// What the EMS presented.
    enum Outcome: Equatable {
        /// Issued by a CA: verify it the usual way.
        case issued
        /// Self-signed and listed in `rap_cert_file`: talk to it with that certificate pinned.
        case pinnedSelfSigned
    }

    init(connection: EMSConnection) {
        endpoint = connection.endpoint
        denySelfSigned = connection.denySelfSigned
        pinned = { connection.currentPinnedCertificates }
        var host = endpoint
        var port = 443
        if let colon = endpoint.lastIndex(of: ":") {
            host = String(endpoint[..<colon])
            port = Int(endpoint[endpoint.index(after: colon)...]) ?? 443
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host
        self.port = port
    }

    func run() async throws(EMSClientError) -> Outcome {
        let presented: [UInt8]?
        do {
            presented = try await leafCertificate()
        } catch {
            throw EMSClientError(.unreachable, "cannot reach the EMS at \(endpoint) to check its certificate: \(error)")
        }
        guard let der = presented else {
            throw EMSClientError(.tls, "the EMS at \(endpoint) presented no certificate")
        }
        let summary: CertificateSummary
        do {
            summary = try CertificateSummary(der: der)
        } catch {
            throw EMSClientError(.tls, "the EMS at \(endpoint) presented a certificate that cannot be read: \(error.message)")
        }
        guard summary.isSelfIssued else { return .issued }
        if denySelfSigned {
            throw EMSClientError(
                .selfSigned,
                "the EMS at \(endpoint) presented a self-signed certificate (\(summary.displayName)) and rap_deny_selfsigned is true")
        }
        guard pinned().contains(der) else {
            throw EMSClientError(
                .tls,
                "the EMS at \(endpoint) presented a self-signed certificate (\(summary.displayName), SHA-256 \(summary.sha256Fingerprint)) that is not in rap_cert_file")
        }
        return .pinnedSelfSigned
    }
}

extension EMSCertificateCheck {
    /// The DER of the leaf certificate the EMS presents; nil when the handshake ends without one.
    private func leafCertificate() async throws -> [UInt8]? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = .none
        let context = try NIOSSLContext(configuration: configuration)
        let serverName = host.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" } ? nil : host
        let once = NIOLockedValueBox<CheckedContinuation<[UInt8]?, any Error>?>(nil)
        let finish: @Sendable (Result<[UInt8]?, any Error>) -> Void = { result in
            once.withLockedValue { continuation in
                continuation?.resume(with: result)
                continuation = nil
            }
        }
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = try NIOSSLClientHandler(context: context, serverHostname: serverName) { certificates, promise in
                        finish(.success(try? certificates.first?.toDERBytes()))
                        promise.succeed(.certificateVerified)
                        channel.close(promise: nil)
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        let host = self.host
        let port = self.port
        return try await withCheckedThrowingContinuation { continuation in
            once.withLockedValue { $0 = continuation }
            bootstrap.connect(host: host, port: port).whenComplete { result in
                switch result {
                case .success(let channel):
                    channel.closeFuture.whenComplete { _ in finish(.success(nil)) }
                case .failure(let error):
                    finish(.failure(error))
                }
            }
        }
    }
}
