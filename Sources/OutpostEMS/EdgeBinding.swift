import Foundation
public import OutpostConfig
public import OutpostSecrets
public import OutpostTLS
import OutpostWire

/// A thing the EMS answers for on the platform's behalf: bound from `auto_bind` or by `AddEdgeThing`.
/// Non-gateway bindings with a host get platform requests forwarded to their HTTP(S) endpoint.
public struct EdgeBinding: Sendable {
    public enum Scheme: String, Sendable {
        case http
        case https
    }

    public var name: String
    public var host: String?
    public var port: Int
    public var scheme: Scheme
    public var path: String
    /// Wait for the endpoint's answer.
    public var timeout: Duration
    /// How often the endpoint is probed.
    public var keepalive: Duration
    public var user: String?
    public var password: SecretValue?
    public var gateway: Bool
    /// Accept a self-signed certificate from an `https` endpoint (AddEdgeThing `allow_self_signed`).
    public var allowSelfSigned: Bool
    /// From `auto_bind` (kept across RemoveEdgeThing of others, listed as such).
    public var fromConfig: Bool
    /// `cert_chain` of the `auto_bind` entry or AddEdgeThing: PEM files of CAs trusted for this thing's
    /// `https` callbacks only, besides the system's and `certificates.cert_chain`. Loaded into
    /// ``certChainRoots`` by ``loadCertChain()``.
    public var certChain: [String] = []
    /// The certificates of ``certChain``; nil when it is empty (or not loaded yet).
    public var certChainRoots: TrustRoots?

    public init(
        name: String, host: String? = nil, port: Int = 8001, scheme: Scheme = .http, path: String = "/",
        timeout: Duration = .seconds(30), keepalive: Duration = .seconds(60), user: String? = nil,
        password: SecretValue? = nil, gateway: Bool = false, allowSelfSigned: Bool = false, fromConfig: Bool = false
    ) {
        self.allowSelfSigned = allowSelfSigned
        self.name = name
        self.host = host
        self.port = port
        self.scheme = scheme
        self.path = path
        self.timeout = timeout
        self.keepalive = keepalive
        self.user = user
        self.password = password
        self.gateway = gateway
        self.fromConfig = fromConfig
    }

    /// A binding from an `auto_bind` entry; its password is opened with `resolver`.
    public init(config entry: AutoBindEntry, resolver: SecretResolver) throws(SecretError) {
        self.init(
            name: entry.name, host: entry.host, port: entry.port,
            scheme: entry.callbackProtocol == .https ? .https : .http, path: entry.path,
            timeout: .milliseconds(entry.timeout), user: entry.user,
            password: try entry.password.map { secret throws(SecretError) in try resolver.resolve(secret.rawValue, key: "auto_bind[].password") },
            gateway: entry.gateway, fromConfig: true)
        certChain = entry.certChain
    }

    /// Reads the ``certChain`` files: a missing or unreadable file, or one without a certificate, is an
    /// error now rather than a failed handshake at the first callback.
    public mutating func loadCertChain() throws(TLSMaterialError) {
        certChainRoots = certChain.isEmpty ? nil : try TrustRoots.load(certChain)
    }

    /// The base URL callbacks go to: `<scheme>://host:port<path>` without a trailing slash.
    var baseURL: String? {
        guard let host, !host.isEmpty else { return nil }
        let shownHost = host.contains(":") ? "[\(host)]" : host
        var prefix = path
        while prefix.hasSuffix("/") { prefix.removeLast() }
        return "\(scheme.rawValue)://\(shownHost):\(port)\(prefix)"
    }

    /// `<base>/Things/<name>/<Characteristic>[/<target>]`.
    func url(characteristic: String, target: String) -> String? {
        guard let base = baseURL else { return nil }
        let encodedName = name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowedSegment) ?? name
        var url = "\(base)/Things/\(encodedName)/\(characteristic)"
        if !target.isEmpty {
            url += "/" + (target.addingPercentEncoding(withAllowedCharacters: .urlPathAllowedSegment) ?? target)
        }
        return url
    }

    /// The GetEdgeThings row, as the original lists it (no password).
    var row: [Primitive] {
        [
            .string(name), .string(host ?? ""), .number(Double(port)), .string(path),
            .number(Double(keepalive.components.seconds * 1000)), .number(Double(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)),
            .string(scheme.rawValue), .string(user ?? ""), .string("application/json"),
        ]
    }

    static let rowFields: [FieldDefinition] = [
        FieldDefinition(name: "name", baseType: .string),
        FieldDefinition(name: "host", baseType: .string),
        FieldDefinition(name: "port", baseType: .number),
        FieldDefinition(name: "path", baseType: .string),
        FieldDefinition(name: "keepalive", baseType: .number),
        FieldDefinition(name: "timeout", baseType: .number),
        FieldDefinition(name: "proto", baseType: .string),
        FieldDefinition(name: "user", baseType: .string),
        FieldDefinition(name: "accept", baseType: .string),
    ]
}

extension CharacterSet {
    /// Unreserved characters plus sub-delims allowed in one path segment (no `/`).
    static let urlPathAllowedSegment: CharacterSet = {
        var set = CharacterSet.urlPathAllowed
        set.remove("/")
        return set
    }()
}
