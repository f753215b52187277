internal import CLua

extension LuaNatives {
    /// `http(method, scheme, host, port, path[, body[, headers]])` → code, body, headers: a `tw_http`
    /// request through the state's ``LuaHostBridge``; 503 and a message when the state has none.
    static let http: LuaNativeFunction = { L in
        LuaState.native(L) { state throws(LuaError) in
            let arguments = try state.arguments()
            func argument(_ index: Int) -> LuaValue { index < arguments.count ? arguments[index] : .nil }
            guard let method = argument(0).stringValue, let scheme = argument(1).stringValue else {
                throw LuaError.conversion("tw_http request needs a method and a scheme")
            }
            guard let host = argument(2).stringValue, !host.isEmpty else {
                throw LuaError.conversion("tw_http: the host must be a non-empty string (e.g. \"127.0.0.1\")")
            }
            guard let port = argument(3).integerValue ?? argument(3).stringValue.flatMap({ Int64($0) }), (1...65_535).contains(port) else {
                throw LuaError.conversion("tw_http: the port must be a number from 1 to 65535")
            }
            guard let path = argument(4).stringValue else {
                throw LuaError.conversion("tw_http: the path must be a string (e.g. \"/status\")")
            }
            var headers: [String: String] = [:]
            if case .table(let table) = argument(6) {
                for (key, value) in table.fields { headers[key] = value.stringValue ?? value.integerValue.map { String($0) } }
            }
            let request = LuaHTTPRequest(
                method: method, scheme: scheme, host: host, port: Int(port),
                path: path.hasPrefix("/") ? path : "/" + path, body: argument(5).stringValue, headers: headers)
            guard let bridge = state.bridge else {
                return [.integer(503), .string("not available: this runtime has no HTTP client for tw_http"), .table(LuaTable())]
            }
            let response = bridge.httpRequest(request)
            var responseHeaders = LuaTable()
            for (name, value) in response.headers { responseHeaders[name] = .string(value) }
            return [.integer(Int64(response.code)), .string(response.body), .table(responseHeaders)]
        }
    }
}
