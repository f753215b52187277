import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
public import OutpostWire
import OutpostSecrets
import OutpostTLS

/// Platform → edge: answers requests the platform sends down for bound things. `LocalEms` and gateway
/// names are answered by ``LocalEmsServices``; other bound names with a host are forwarded over
/// HTTP(S) to `<proto>://host:port<path>/Things/<name>/<Characteristic>/<target>` (`ems-lsr.md` §3.7).
public final class EdgeForwarder: Sendable {
    private let registry: EdgeRegistry
    private let local: LocalEmsServices
    private let verifyingClient: HTTPClient
    /// The verifying client's TLS settings, extended per request with a binding's own `cert_chain`.
    private let verifyingTLS: TLSConfiguration?
    private let lenientClient: HTTPClient
    /// Reloadable trusted CAs; nil: the files given at init, read once.
    private let trust: TrustedCertificates?
    private let logger: Logger
    static let maxResponseBytes = 4 * 1024 * 1024

    /// - Parameter trustRoots: PEM CA files trusted besides the system's (`certificates.cert_chain`), so
    ///   an edge endpoint with a certificate from a private CA is verified, not just tolerated.
    ///   `trust`, when given, replaces `trustRoots` and is asked for each request, so a renewed CA file
    ///   applies to the next connection.
    init(
        registry: EdgeRegistry, local: LocalEmsServices, trustRoots: [String] = [], trust: TrustedCertificates? = nil,
        connectTimeout: Duration = .seconds(3), logger: Logger
    ) {
        self.registry = registry
        self.trust = trust
        self.local = local
        self.logger = logger
        var verifying = HTTPClient.Configuration()
        verifying.tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        verifying.tlsConfiguration?.minimumTLSVersion = .tlsv12
        if !trustRoots.isEmpty {
            verifying.tlsConfiguration?.additionalTrustRoots = trustRoots.map { .file($0) }
        }
        let connect = TimeAmount.nanoseconds(
            Int64(connectTimeout.components.seconds) * 1_000_000_000 + connectTimeout.components.attoseconds / 1_000_000_000)
        verifying.timeout = .init(connect: connect)
        self.verifyingTLS = verifying.tlsConfiguration
        self.verifyingClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: verifying)
        // Edge endpoints on loopback (the LSR) usually present a self-signed certificate; bindings opt in
        // to that with allow_self_signed.
        var lenient = HTTPClient.Configuration()
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        tls.minimumTLSVersion = .tlsv12
        lenient.tlsConfiguration = tls
        lenient.timeout = .init(connect: connect)
        self.lenientClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: lenient)
    }

    func shutdown() async {
        try? await verifyingClient.shutdown()
        try? await lenientClient.shutdown()
    }

    /// Answers one platform request.
    public func handle(_ request: RequestBody) async -> ResponseBody {
        if registry.isLocal(request.entityName) {
            return await local.handlePlatform(request)
        }
        guard let binding = registry.binding(request.entityName) else {
            return ResponseBody(status: .notFound, reason: "\(request.entityName) is not bound to this EMS")
        }
        guard binding.baseURL != nil else {
            return ResponseBody(status: .notFound, reason: "Thing not bound to EMS, or host is not set")
        }
        return await forward(request, to: binding)
    }

    private func forward(_ request: RequestBody, to binding: EdgeBinding) async -> ResponseBody {
        let characteristic: String
        switch request.characteristic {
        case .properties: characteristic = "Properties"
        case .services: characteristic = "Services"
        case .events: characteristic = "Events"
        default: return ResponseBody(status: .badRequest, reason: "unexpected characteristic \(request.characteristic)")
        }
        guard let url = binding.url(characteristic: characteristic, target: request.target) else {
            return ResponseBody(status: .notFound, reason: "Thing not bound to EMS, or host is not set")
        }
        var http = HTTPClientRequest(url: url)
        switch request.method {
        case .get: http.method = .GET
        case .put: http.method = .PUT
        case .post: http.method = .POST
        case .delete: http.method = .DELETE
        }
        http.headers.add(name: "Accept", value: "application/json")
        if let user = binding.user, let password = binding.password {
            let token = Data("\(user):\(password.reveal())".utf8).base64EncodedString()
            http.headers.add(name: "Authorization", value: "Basic \(token)")
        }
        if request.method != .get && request.method != .delete {
            let body = (request.parameters ?? InfoTable()).emsJSON().serializedBytes()
            http.headers.add(name: "Content-Type", value: "application/json")
            http.body = .bytes(ByteBuffer(bytes: body))
        }
        logger.debug(
            "making call to edge endpoint",
            metadata: ["outpost.ems.thing": "\(binding.name)", "outpost.ems.url": "\(url)", "outpost.ems.method": "\(request.method)"])
        let timeout = TimeAmount.nanoseconds(Int64(binding.timeout.components.seconds) * 1_000_000_000 + binding.timeout.components.attoseconds / 1_000_000_000)
        do {
            let lenient = binding.scheme == .https && binding.allowSelfSigned
            let client = lenient ? lenientClient : verifyingClient
            if !lenient, let trust, var tls = verifyingTLS {
                tls.additionalTrustRoots = [.certificates(trust.roots.certificates.map(\.nioCertificate))]
                http.tlsConfiguration = tls
            }
            if client === verifyingClient, let tls = tlsConfiguration(for: binding, base: http.tlsConfiguration) { http.tlsConfiguration = tls }
            let response = try await client.execute(http, timeout: timeout)
            let body = try await response.body.collect(upTo: Self.maxResponseBytes)
            let bytes = Array(body.readableBytesView)
            guard (200..<300).contains(Int(response.status.code)) else {
                logger.info(
                    "edge endpoint answered an error",
                    metadata: ["outpost.ems.thing": "\(binding.name)", "outpost.ems.status": "\(response.status.code)"])
                return ResponseBody(status: Self.status(forHTTP: Int(response.status.code)), reason: "Got \(response.status.code) response code from \(binding.name) request on \(request.target)")
            }
            return ResponseBody(status: .success, content: Self.content(bytes, contentType: response.headers.first(name: "Content-Type")))
        } catch {
            logger.warning(
                "edge endpoint unreachable",
                metadata: ["outpost.ems.thing": "\(binding.name)", "outpost.error": "\(error)"])
            if "\(error)".lowercased().contains("timeout") || "\(error)".contains("deadline") {
                return ResponseBody(status: .gatewayTimeout, reason: "no answer from \(binding.name) within \(binding.timeout)")
            }
            return ResponseBody(status: .serviceUnavailable, reason: "cannot reach the endpoint of \(binding.name)")
        }
    }

    /// A JSON body becomes the result InfoTable; anything else is wrapped as `{"result": "<text>"}`.
    static func content(_ bytes: [UInt8], contentType: String?) -> InfoTable? {
        if bytes.isEmpty { return nil }
        if let json = try? JSONValue(parsing: bytes) {
            if case .object = json, let table = try? InfoTable(requestBody: json) { return table }
            if let value = try? Primitive(emsJSON: json, as: .json) { return .single("result", value) }
        }
        return .single("result", .string(String(decoding: bytes, as: UTF8.self)))
    }

    static func status(forHTTP code: Int) -> ResponseStatus {
        switch code {
        case 400: .badRequest
        case 401: .unauthorized
        case 403: .forbidden
        case 404: .notFound
        case 405: .methodNotAllowed
        case 413: .entityTooLarge
        case 415: .unsupportedContentFormat
        case 503: .serviceUnavailable
        case 504: .gatewayTimeout
        default: .internalServerError
        }
    }

    /// A real request to the endpoint (GET of the thing's properties): any HTTP answer counts as
    /// reachable, a refused or timed-out connection does not.
    func probe(_ binding: EdgeBinding) async -> Bool {
        guard let url = binding.url(characteristic: "Properties", target: "") else { return true }
        var http = HTTPClientRequest(url: url)
        http.method = .GET
        if let user = binding.user, let password = binding.password {
            let token = Data("\(user):\(password.reveal())".utf8).base64EncodedString()
            http.headers.add(name: "Authorization", value: "Basic \(token)")
        }
        let client = binding.scheme == .https && binding.allowSelfSigned ? lenientClient : verifyingClient
        if client === verifyingClient, let tls = tlsConfiguration(for: binding, base: http.tlsConfiguration) { http.tlsConfiguration = tls }
        do {
            let response = try await client.execute(http, timeout: .seconds(5))
            _ = try? await response.body.collect(upTo: Self.maxResponseBytes)
            return true
        } catch {
            return false
        }
    }

    /// `base` (else the verifying TLS settings) plus the binding's own `cert_chain`; nil when it has
    /// none (the request's settings stay). AsyncHTTPClient pools connections per TLS configuration,
    /// so a binding's CAs never reach another binding's connections.
    private func tlsConfiguration(for binding: EdgeBinding, base: TLSConfiguration?) -> TLSConfiguration? {
        guard binding.scheme == .https, let roots = binding.certChainRoots, var tls = base ?? verifyingTLS else { return nil }
        tls.additionalTrustRoots.append(.certificates(roots.certificates.map(\.nioCertificate)))
        return tls
    }
}
