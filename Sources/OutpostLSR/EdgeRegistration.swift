public import OutpostWire

/// The `AddEdgeThing` payload that tells the EMS where to call a thing back (`ems-lsr.md` §4.5):
/// `name` (`*<identifier>` when configured), the listener's host (0.0.0.0 sent as 127.0.0.1) and port —
/// sent as a JSON string, as the original does — `proto`, `path`, `keepalive`, `timeout`, and the
/// callback credentials in their stored form.
public struct EdgeRegistration: Sendable, Equatable {
    public var name: String
    public var host: String
    public var port: Int
    public var proto: String
    public var path = "/scripts/Thingworx"
    public var keepalive: Int64
    public var timeout: Int64
    public var user: String?
    /// Plain or `enc:v1:` (the EMS opens sealed values with the shared key file).
    public var password: String?
    /// Asks the EMS to accept the listener's certificate although no CA vouches for it; sent only when
    /// the listener runs with a certificate made for this run (no `script_resource_certificate_chain`).
    /// With a configured certificate the EMS verifies it against its trusted CAs.
    public var allowSelfSigned = false

    public init(name: String, host: String, port: Int, proto: String, keepalive: Int64, timeout: Int64, user: String? = nil, password: String? = nil) {
        self.name = name
        self.host = host
        self.port = port
        self.proto = proto
        self.keepalive = keepalive
        self.timeout = timeout
        self.user = user
        self.password = password
    }

    public var json: JSONValue {
        var object: JSONObject = [
            "keepalive": .integer(keepalive),
            "port": .string(String(port)),
            "timeout": .integer(timeout),
            "host": .string(host),
            "proto": .string(proto),
            "name": .string(name),
            "path": .string(path),
        ]
        if let user, !user.isEmpty { object["user"] = .string(user) }
        if let password, !password.isEmpty { object["password"] = .string(password) }
        if allowSelfSigned { object["allow_self_signed"] = true }
        return .object(object)
    }
}
