import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import OutpostLua

/// `tw_http.*` for the scripts: a request to any HTTP(S) server the script names, over the process-wide
/// HTTP client (HTTPS verified against the system trust store; no certificate options are offered to
/// scripts, so a script cannot switch verification off). Blocks only the calling state's own thread,
/// bounded by `timeout`, like ``EMSBridge``.
struct ScriptHTTPClient: Sendable {
    /// How long one request may take, connect to last body byte; past it the script gets 504.
    let timeout: Duration
    static let maxResponseBytes = 4 * 1024 * 1024

    func perform(_ request: LuaHTTPRequest) -> LuaHTTPResponse {
        let method: HTTPMethod
        switch request.method.uppercased() {
        case "GET": method = .GET
        case "PUT": method = .PUT
        case "POST": method = .POST
        case "DELETE": method = .DELETE
        default: return LuaHTTPResponse(code: 400, body: "tw_http: unsupported method \(request.method) (use get, post, put or delete)")
        }
        guard request.scheme == "http" || request.scheme == "https" else {
            return LuaHTTPResponse(code: 400, body: "tw_http: unsupported scheme \(request.scheme) (use http:// or https://)")
        }
        let outcome = NIOLockedValueBox<LuaHTTPResponse?>(nil)
        let done = DispatchSemaphore(value: 0)
        let timeout = self.timeout
        Task {
            let response = await Self.send(method, request, timeout: timeout)
            outcome.withLockedValue { $0 = response }
            done.signal()
        }
        done.wait()
        return outcome.withLockedValue { $0 } ?? LuaHTTPResponse(code: 500, body: "tw_http: no answer")
    }

    private static func send(_ method: HTTPMethod, _ request: LuaHTTPRequest, timeout: Duration) async -> LuaHTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = method
        for (name, value) in request.headers where !["host", "content-length"].contains(name.lowercased()) {
            outgoing.headers.replaceOrAdd(name: name, value: value)
        }
        if let body = request.body {
            outgoing.body = .bytes(ByteBuffer(string: body))
        }
        let milliseconds = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        let target = "\(request.scheme)://\(request.host):\(request.port)"
        do {
            let response = try await HTTPClient.shared.execute(outgoing, timeout: .milliseconds(max(1, milliseconds)))
            let collected = try await response.body.collect(upTo: maxResponseBytes)
            var headers: [String: String] = [:]
            for header in response.headers {
                headers[header.name] = headers[header.name].map { $0 + ", " + header.value } ?? header.value
            }
            return LuaHTTPResponse(code: Int(response.status.code), body: String(decoding: collected.readableBytesView, as: UTF8.self), headers: headers)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return LuaHTTPResponse(code: 504, body: "tw_http: no answer from \(target) within \(timeout)")
        } catch {
            return LuaHTTPResponse(code: 503, body: "tw_http: request to \(target) failed: \(error)")
        }
    }
}
