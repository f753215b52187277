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

    /// The media type of `Content-Type`: ASCII lower-cased, without parameters or surrounding spaces
    /// and tabs; "" without the field. Done on the bytes: `lowercased`, `split` and Foundation's
    /// `trimmingCharacters` took about 21,000 instructions per PUT.
    var mediaType: String {
        guard var value = contentType else { return "" }
        return value.withUTF8 { bytes in
            func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
            var end = bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.count
            var start = 0
            while start < end, isBlank(bytes[start]) { start += 1 }
            while end > start, isBlank(bytes[end - 1]) { end -= 1 }
            // Only ASCII bytes change, so the result stays valid UTF-8.
            return String(unsafeUninitializedCapacity: end - start) { out in
                for index in start..<end {
                    let byte = bytes[index]
                    out[index - start] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
                }
                return end - start
            }
        }
    }

    /// A repeated field reads as its values joined with ", ", as `HTTPFields`' subscript gives it.
    private static func joined(_ existing: String?, _ value: String) -> String {
        guard let existing else { return value }
        return existing + ", " + value
    }
}
