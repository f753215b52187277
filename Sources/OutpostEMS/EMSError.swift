public import HTTPTypes
public import Hummingbird
import OutpostWire

/// An error answered to a REST client: status, a short message, optional extra headers. Rendered as
/// JSON `{"status":N,"error":"Reason","message":"…"}`; never contains secrets or request headers.
public struct EMSError: Error, Sendable, HTTPResponseError, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let message: String
    let headers: HTTPFields
    /// Close the connection after answering.
    let close: Bool

    init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:], close: Bool = false) {
        self.status = status
        self.message = message
        self.headers = headers
        self.close = close
    }

    public var description: String { "\(status.code) \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response()
    }

    func response() -> Response {
        answer.response
    }

    /// The answer as status, fields and body, for the responder and for answers written on the event loop.
    var answer: EMSAnswer {
        var object = JSONObject()
        object.append("status", .integer(Int64(status.code)))
        object.append("error", .string(status.reasonPhrase))
        object.append("message", .string(message))
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        if close { headers[.connection] = "close" }
        return EMSAnswer(status: status, headers: headers, body: ByteBuffer(bytes: JSONValue.object(object).serializedBytes()))
    }

    // MARK: Common errors

    static func badRequest(_ message: String) -> EMSError { EMSError(.badRequest, message) }
    static func notFound(_ message: String) -> EMSError { EMSError(.notFound, message) }

    static func offline(retryAfter seconds: Int, _ message: String) -> EMSError {
        var headers = HTTPFields()
        headers[.retryAfter] = String(seconds)
        return EMSError(.serviceUnavailable, message, headers: headers)
    }

    /// The platform refused the request with a status other than success.
    static func platform(_ status: ResponseStatus, reason: String?) -> EMSError {
        let suffix = reason.map { ": \($0)" } ?? ""
        if status == .unauthorized {
            return EMSError(
                .forbidden,
                "the platform refused this gateway's application key (UNAUTHORIZED)\(suffix); this is not about the credentials of this request")
        }
        let code = status.httpStatus
        let mapped = (400...599).contains(code) ? code : 502
        return EMSError(HTTPResponse.Status(code: mapped), "the platform answered \(status.name)\(suffix)")
    }

    static func link(_ error: PlatformLinkError, retryAfter: Int) -> EMSError {
        if error.isNotConnected || error.httpStatus == 503 {
            return offline(retryAfter: retryAfter, "not connected to the platform: \(error.message)")
        }
        return EMSError(HTTPResponse.Status(code: error.httpStatus), error.message)
    }
}
