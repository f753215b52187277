import AsyncHTTPClient
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
public import NIOHTTP1
import NIOSSL
import OutpostSecrets
public import OutpostWire

/// An answer from the EMS: status and body.
public struct EMSReply: Sendable {
    public var status: Int
    public var body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }
    public var json: JSONValue? { body.isEmpty ? nil : try? JSONValue(parsing: body) }
}

/// HTTP(S) requests to the EMS REST facade with the `rap_*` settings: every request carries
/// `Content-Type: application/json` and the Basic credentials; failures are sorted into
/// ``EMSClientError`` kinds the registrar reports once per change.
public final class EMSClient: Sendable {
    public let connection: EMSConnection
    private let client: HTTPClient
    /// Without certificate verification, used only after ``checkCertificate()`` found the EMS's
    /// self-signed certificate byte-identical to one in `rap_cert_file` (pinned).
    private let pinnedClient: HTTPClient?
    private let usePinned = NIOLockedValueBox(false)
    private let certificateCheck: EMSCertificateCheck?
    static let maxResponseBytes = 4 * 1024 * 1024

    public init(connection: EMSConnection) {
        self.connection = connection
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = connection.tls
        configuration.timeout = .init(connect: .seconds(5))
        configuration.connectionPool = .init(idleTimeout: .seconds(30))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        if connection.validates, var lenient = connection.tls {
            lenient.certificateVerification = .none
            var pinnedConfiguration = configuration
            pinnedConfiguration.tlsConfiguration = lenient
            pinnedClient = connection.denySelfSigned ? nil : HTTPClient(eventLoopGroupProvider: .singleton, configuration: pinnedConfiguration)
            certificateCheck = EMSCertificateCheck(connection: connection)
        } else {
            pinnedClient = nil
            certificateCheck = nil
        }
    }

    public func shutdown() async {
        try? await client.shutdown()
        try? await pinnedClient?.shutdown()
    }

    /// Applies the self-signed policy (see ``EMSCertificateCheck``) with a separate handshake, since the
    /// HTTP client's verification cannot tell self-signed from CA-issued. Run before registering and
    /// at each keep-alive, so a changed EMS certificate is noticed.
    public func checkCertificate() async throws(EMSClientError) {
        guard let certificateCheck else { return }
        let outcome = try await certificateCheck.run()
        usePinned.withLockedValue { $0 = outcome == .pinnedSelfSigned }
    }

    /// Sends one request; any HTTP answer is returned (401 included), only transport failures throw.
    public func send(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, headers: [String: String] = [:]) async throws(EMSClientError) -> EMSReply {
        var request = HTTPClientRequest(url: connection.baseURL + path)
        request.method = method
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in headers where !["authorization", "host", "content-length"].contains(name.lowercased()) {
            request.headers.replaceOrAdd(name: name, value: value)
        }
        if let authorization = connection.authorization {
            request.headers.add(name: "Authorization", value: authorization.reveal())
        }
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let pinned = usePinned.withLockedValue { $0 }
        if !pinned, connection.trust != nil {
            // The trusted CAs in use now: a reloaded rap_cert_file applies from the next connection.
            request.tlsConfiguration = connection.currentTLS()
        }
        let timeout = TimeAmount.milliseconds(Int64(connection.timeout.components.seconds * 1000 + connection.timeout.components.attoseconds / 1_000_000_000_000_000))
        do {
            let chosen = pinned ? (pinnedClient ?? client) : client
            let response = try await chosen.execute(request, timeout: timeout)
            let collected = try await response.body.collect(upTo: Self.maxResponseBytes)
            return EMSReply(status: Int(response.status.code), body: Array(collected.readableBytesView))
        } catch {
            throw classify(error)
        }
    }

    /// Sends a request with a JSON body and requires a 2xx answer.
    @discardableResult
    public func call(_ method: HTTPMethod, _ path: String, json: JSONValue?) async throws(EMSClientError) -> EMSReply {
        let reply = try await send(method, path, body: json.map { $0.serializedBytes() })
        switch reply.status {
        case 200..<300:
            return reply
        case 401:
            throw EMSClientError(.unauthorized, "the EMS at \(connection.endpoint) answered 401: it refused rap_userid '\(connection.userID ?? "")' and rap_password")
        default:
            let text = reply.text.prefix(300)
            throw EMSClientError(.status(reply.status), "the EMS answered \(reply.status) to \(method) \(path)\(text.isEmpty ? "" : ": \(text)")")
        }
    }

    private func classify(_ error: any Error) -> EMSClientError {
        let text = String(describing: error)
        let lower = text.lowercased()
        if let error = error as? HTTPClientError {
            if error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
                return EMSClientError(.timeout, "no answer from the EMS at \(connection.endpoint) within \(connection.timeout) (rap_timeout)")
            }
        }
        if error is NIOSSLError || error is BoringSSLError || lower.contains("ssl") || lower.contains("certificate") || lower.contains("handshake") {
            return EMSClientError(.tls, "TLS with the EMS at \(connection.endpoint) failed: \(text)")
        }
        if lower.contains("timeout") || lower.contains("deadline") {
            return EMSClientError(.timeout, "no answer from the EMS at \(connection.endpoint) within \(connection.timeout) (rap_timeout)")
        }
        return EMSClientError(.unreachable, "cannot reach the EMS at \(connection.baseURL): \(text)")
    }
}
