/// `proxy`: an HTTP proxy for the upstream connection (CONNECT). Absent = direct.
public struct ProxyConfig: ConfigSection {
    public var host: String?
    public var port = 3128
    public var user: String?
    public var password: ConfigSecret?

    public init() {}

    public static let summary = "HTTP CONNECT proxy for the upstream connection; absent means a direct connection."

    public static var fields: [ConfigField<ProxyConfig>] {
        [
            .optionalString("host", \.host, "Proxy host or IP address."),
            .integer("port", \.port, in: 1...65535, "Proxy port."),
            .optionalString("user", \.user, "Proxy user name."),
            .secret("password", \.password, "Proxy password."),
        ]
    }

    public mutating func check(at path: ConfigPath, node: JSONNode, decoder: inout ConfigDecoder) {
        if (host ?? "").isEmpty {
            decoder.warning(.missing, path.appending("host"), "No proxy host found; connecting directly. Set host, or remove the proxy group", at: node.position)
        }
        if user != nil, password == nil {
            decoder.warning(.missing, path.appending("password"), "user is set without a password", at: node.position)
        }
    }
}
