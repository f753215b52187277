import HTTPTypes
import Hummingbird
import NIOCore
import OutpostLua

/// A callback request that failed: its status and a plain-text message saying what was wrong.
struct CallbackError: Error {
    var status: HTTPResponse.Status
    var message: String
    /// `WWW-Authenticate` for a 401.
    var challenge: String?

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    /// A thing's own failure: its status (404, 400, the handler's code, 500 for a Lua error) and message.
    init(_ error: LuaThingError) {
        self.init(HTTPResponse.Status(code: error.status), error.message)
    }

    var response: Response {
        var headers: HTTPFields = [.contentType: "text/plain; charset=utf-8"]
        if let challenge { headers[.wwwAuthenticate] = challenge }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: message)))
    }
}
