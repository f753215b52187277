/// One upstream platform address (`ws_servers[]`).
public struct WSServer: ConfigSection {
    public var host: String?
    public var port: Int?

    public init() {}

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public static let summary = "An upstream platform address."

    public static var fields: [ConfigField<WSServer>] {
        [
            .optionalString("host", \.host, required: true, "Host name or IP address of the platform."),
            .optionalInteger("port", \.port, in: 1...65535, required: true, "TCP port of the platform, 443 for TLS is typical."),
        ]
    }

    public mutating func check(at path: ConfigPath, node: JSONNode, decoder: inout ConfigDecoder) {
        if let host, host.trimmingWhitespace.isEmpty {
            decoder.error(.invalid, path.appending("host"), "must not be empty; give the platform's host name or IP address", at: node)
        }
    }
}

extension String {
    var trimmingWhitespace: Substring {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return Substring(scalars[first...last])
    }
}
