import HTTPTypes
import Logging
import NIOCore
import NIOPosix
import NIOSSL
public import OutpostConfig
import OutpostSecrets
import OutpostWire

/// How the EMS reaches hosts other than the platform for LocalEms `TestPort`: the `proxy` group of
/// config.json (password as written, opened only when used) and the CA files of
/// `certificates.cert_chain`, trusted besides the system's.
public struct OutboundSettings: Sendable {
    public var proxy: ProxyConfig?
    public var trustRoots: [String]

    public init(proxy: ProxyConfig? = nil, trustRoots: [String] = []) {
        self.proxy = proxy
        self.trustRoots = trustRoots
    }
}

extension LocalEmsServices {
    /// `TestPort {host, port, useSSL, useProxy}` (`ems-lsr.md` §3.5): a TCP connect within five seconds;
    /// with `useSSL` also a TLS handshake that verifies the server as edge callbacks do; with
    /// `useProxy` through the configured HTTP proxy (`CONNECT`). The answer is the boolean the original
    /// gives; the reason for a `false` is logged.
    func testPort(_ parameters: JSONObject) async throws(EMSError) -> InfoTable? {
        guard let host = try string(parameters, "host"), !host.isEmpty else {
            throw .badRequest("The input parameter 'host' is required.")
        }
        guard let port = try integer(parameters, "port", in: 1...65535) else {
            throw .badRequest("The input parameter 'port' is required.")
        }
        var probe = PortProbe(host: host, port: port)
        if try bool(parameters, "useProxy") == true {
            probe.proxy = try configuredProxy()
        }
        if try bool(parameters, "useSSL") == true {
            do {
                probe.tls = try await makeProbeTLSContext()
            } catch {
                logger.warning("TestPort cannot build its TLS client context", metadata: ["outpost.error": "\(error)"])
                return .single("result", .boolean(false))
            }
        }
        if let failure = await probe.run() {
            logger.info("TestPort failed", metadata: ["outpost.ems.target": "\(host):\(port)", "outpost.error": "\(failure)"])
            return .single("result", .boolean(false))
        }
        logger.info("Successfully connected to \(host):\(port).")
        return .single("result", .boolean(true))
    }

    /// The `proxy` group of config.json as a probe target; without one, `useProxy` cannot be honoured
    /// and is refused rather than silently tested directly.
    private func configuredProxy() throws(EMSError) -> PortProbe.Proxy {
        guard let proxy = outbound.proxy, let host = proxy.host, !host.isEmpty else {
            throw .badRequest(
                "useProxy is not supported by this EMS: config.json has no proxy (set proxy.host and proxy.port), so it connects directly; call TestPort without useProxy")
        }
        var password: SecretValue?
        if let raw = proxy.password?.rawValue, !raw.isEmpty {
            if let resolver {
                do {
                    password = try resolver.resolve(raw, key: "proxy.password")
                } catch {
                    throw EMSError(.internalServerError, "proxy.password cannot be opened: \(error.message)")
                }
            } else if SealedSecret.isSealed(raw) || SealedSecret.isLegacy(raw) {
                throw EMSError(.internalServerError, "proxy.password is sealed but this EMS has no key file to open it")
            } else {
                password = SecretValue(raw)
            }
        }
        return PortProbe.Proxy(host: host, port: proxy.port, user: proxy.user, password: password)
    }

    /// TLS 1.2 or later, the system's roots plus `certificates.cert_chain`, host name verified. Built
    /// on the thread pool: loading trust roots reads files.
    private func makeProbeTLSContext() async throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        let roots = outbound.trustRoots
        if !roots.isEmpty { configuration.additionalTrustRoots = roots.map { .file($0) } }
        let finished = configuration
        return try await NIOThreadPool.singleton.runIfActive { try NIOSSLContext(configuration: finished) }
    }
}
