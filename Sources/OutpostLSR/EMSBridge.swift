import Foundation
import NIOConcurrencyHelpers
import NIOHTTP1
import OutpostLua

/// `tw_ems.*` and `server.*` for the scripts: requests to the EMS with the `rap_*` connection. Runs on
/// the calling state's own thread and blocks it until the answer (or `rap_timeout`), like the original's
/// synchronous calls; never on Swift's cooperative pool. `tw_http.*` goes through ``ScriptHTTPClient``.
struct EMSBridge: LuaHostBridge {
    let client: EMSClient
    /// `tw_http.*` requests to other servers.
    let http: ScriptHTTPClient
    /// `tw_script.getScriptList`/`getStatus`.
    let board: ScriptStatusBoard

    func scriptStatuses() -> [LuaScriptStatus] {
        board.all
    }

    func httpRequest(_ request: LuaHTTPRequest) -> LuaHTTPResponse {
        http.perform(request)
    }

    func emsRequest(_ request: LuaHostRequest) -> LuaHostResponse {
        let method: HTTPMethod
        switch request.method.uppercased() {
        case "GET": method = .GET
        case "PUT": method = .PUT
        case "POST": method = .POST
        case "DELETE": method = .DELETE
        default: return LuaHostResponse(code: 400, body: "unsupported method \(request.method)")
        }
        guard request.path.hasPrefix("/") else {
            return LuaHostResponse(code: 400, body: "the path must start with / (e.g. /Thingworx/Things/<name>/Properties/<p>)")
        }
        let outcome = NIOLockedValueBox<LuaHostResponse?>(nil)
        let done = DispatchSemaphore(value: 0)
        let client = self.client
        Task {
            let response: LuaHostResponse
            do throws(EMSClientError) {
                let reply = try await client.send(method, request.path, body: request.body.map { Array($0.utf8) }, headers: request.headers)
                response = LuaHostResponse(code: reply.status, body: reply.text)
            } catch {
                let code = error.kind == .timeout ? 504 : 503
                response = LuaHostResponse(code: code, body: error.message)
            }
            outcome.withLockedValue { $0 = response }
            done.signal()
        }
        done.wait()
        return outcome.withLockedValue { $0 } ?? LuaHostResponse(code: 500, body: "no answer")
    }
}
