import HTTPTypes

/// What the responder needs from a request's header fields, gathered in one pass.
///
/// `HTTPFields`' subscript searches the fields and joins every value of the name, which cost
/// about 4,000 instructions a lookup; the responder also has to sum the fields' sizes for the
/// 431 check, so it reads the few fields it needs in that same loop.
struct RequestHeadFields {
    /// Bytes of all names and values, with 4 per field for `: ` and CRLF.
    var byteCount = 0
    var authorization: String?
    var contentType: String?
    var contentLength: String?

    init(_ fields: HTTPFields) {
        for field in fields {
            byteCount += field.name.rawName.utf8.count + field.value.utf8.count + 4
            switch field.name {
            case .authorization: authorization = Self.joined(authorization, field.value)
            case .contentType: contentType = Self.joined(contentType, field.value)
            case .contentLength: contentLength = Self.joined(contentLength, field.value)
            default: break
            }
        }
    }

    /// A repeated field reads as its values joined with ", ", as `HTTPFields`' subscript gives it.
    private static func joined(_ existing: String?, _ value: String) -> String {
        guard let existing else { return value }
        return existing + ", " + value
    }
}
