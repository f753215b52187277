/// What a `tw_http.registerCallback` function answered.
public struct LuaCallbackResponse: Sendable, Equatable {
    public var code: Int
    public var headers: [String: String]
    public var body: String

    public init(code: Int, headers: [String: String] = [:], body: String) {
        self.code = code
        self.headers = headers
        self.body = body
    }
}

extension LuaThing {
    /// `GET|POST|PUT|DELETE /scripts/{script}/{path…}` (`ems-lsr.md` §4.4): calls the global function the
    /// script registered with `tw_http.registerCallback` for the longest matching leading part of `path`,
    /// as `(method, pathParts, headers, query, data)`; JSON bodies arrive as `data.content`. No match → 404
    /// "Path … not found"; a script error → 500 with `file:line: message`.
    public func httpCallback(method: String, path: [String], headers: [String: String], query: [String: String], body: String?) async -> LuaCallbackResponse {
        let results: [LuaValue]
        do {
            results = try await runtime.call("thingworx.framework.httpCallback", [
                .string(method), .table(LuaTable(array: path.map { .string($0) })), Self.table(headers), Self.table(query),
                body.map { .string($0) } ?? .nil,
            ])
        } catch {
            return LuaCallbackResponse(code: 500, body: error.message)
        }
        var responseHeaders: [String: String] = [:]
        if results.count > 2, case .table(let table) = results[2] {
            for (key, value) in table.fields { responseHeaders[key] = value.stringValue ?? value.integerValue.map { String($0) } }
        }
        return LuaCallbackResponse(
            code: Int(results.first?.integerValue ?? 500), headers: responseHeaders,
            body: results.count > 1 ? results[1].stringValue ?? "" : "")
    }
}
