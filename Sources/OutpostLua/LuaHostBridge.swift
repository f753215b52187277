/// A request a script makes of its host: `tw_ems.*` and `server.*` calls to the EMS REST API.
public struct LuaHostRequest: Sendable, Equatable {
    /// `GET`, `PUT`, `POST` or `DELETE`.
    public var method: String
    /// Path and query on the EMS, e.g. `/Thingworx/Things/Pump01/Properties/Rpm`.
    public var path: String
    /// The request body (JSON text), nil for none.
    public var body: String?
    /// Extra request headers the script passed.
    public var headers: [String: String]

    public init(method: String, path: String, body: String? = nil, headers: [String: String] = [:]) {
        self.method = method
        self.path = path
        self.body = body
        self.headers = headers
    }
}

/// What the host answered: an HTTP status (or a 5xx the host chose when the EMS could not be reached)
/// and the body as text.
public struct LuaHostResponse: Sendable, Equatable {
    public var code: Int
    public var body: String

    public init(code: Int, body: String) {
        self.code = code
        self.body = body
    }
}

/// The script resource's side of the Lua APIs that reach outside the state (`ems-lsr.md` §4.8).
///
/// Without a bridge those APIs answer 503. The runtime calls the bridge on the state's own dedicated
/// thread, so an implementation may block that thread until the answer is in (the original's calls are
/// synchronous too); it must never block Swift's cooperative pool, and must bound the wait itself.
public protocol LuaHostBridge: Sendable {
    func emsRequest(_ request: LuaHostRequest) -> LuaHostResponse

    /// `tw_http.*`: a request to any HTTP(S) server the script names. Same threading rules as
    /// ``emsRequest(_:)``; the implementation bounds the wait and answers 504 when it runs out.
    func httpRequest(_ request: LuaHTTPRequest) -> LuaHTTPResponse

    /// `tw_script.getScriptList`/`getStatus`: the scripts of the resource and their state, by name.
    func scriptStatuses() -> [LuaScriptStatus]
}

extension LuaHostBridge {
    /// Bridges that only reach the EMS (test doubles) answer `tw_http` with 503.
    public func httpRequest(_ request: LuaHTTPRequest) -> LuaHTTPResponse {
        LuaHTTPResponse(code: 503, body: "not available: this runtime has no HTTP client for tw_http")
    }

    /// Bridges outside a script resource know no scripts.
    public func scriptStatuses() -> [LuaScriptStatus] { [] }
}
