/// A request a script makes with `tw_http.*` to an arbitrary HTTP(S) server (`ems-lsr.md` §4.8).
public struct LuaHTTPRequest: Sendable, Equatable {
    /// `GET`, `PUT`, `POST` or `DELETE`.
    public var method: String
    /// `http` or `https`.
    public var scheme: String
    public var host: String
    public var port: Int
    /// Path and query, starting with `/`.
    public var path: String
    /// The request body, nil for none.
    public var body: String?
    /// Request headers the script passed (the framework adds a Content-Type for form bodies).
    public var headers: [String: String]

    public init(method: String, scheme: String = "http", host: String, port: Int, path: String, body: String? = nil, headers: [String: String] = [:]) {
        self.method = method
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path
        self.body = body
        self.headers = headers
    }

    /// The URL the request goes to, e.g. `http://10.0.0.5:8080/status?x=1`.
    public var url: String {
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(hostPart):\(port)\(path)"
    }
}

/// What `tw_http.*` returns to the script: status (or a 5xx when the server could not be reached),
/// body text and the response headers.
public struct LuaHTTPResponse: Sendable, Equatable {
    public var code: Int
    public var body: String
    public var headers: [String: String]

    public init(code: Int, body: String, headers: [String: String] = [:]) {
        self.code = code
        self.body = body
        self.headers = headers
    }
}
