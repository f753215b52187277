import HTTPTypes
import Hummingbird
import NIOCore

/// A complete answer: status, the responder's fields and the whole body.
///
/// Hummingbird's `Response` does not give its body back, so the answers that are also written on the
/// event loop (``EMSFastPathHandler``) are built as this first; both paths then send the same bytes.
struct EMSAnswer: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: ByteBuffer

    /// As the responder returns it: `Response` adds `Content-Length` after these fields.
    var response: Response {
        Response(status: status, headers: headers, body: HTTPBody(byteBuffer: body))
    }

    /// As written on the event loop: the same fields, `Content-Length`, then `Date` (which the
    /// application adds to the responder's answers).
    func head(date: String) -> HTTPResponse {
        var fields = headers
        fields[.contentLength] = String(body.readableBytes)
        fields[.date] = date
        return HTTPResponse(status: status, headerFields: fields)
    }
}
