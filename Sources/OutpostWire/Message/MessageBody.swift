/// What a message carries. The header's code follows from the body, so the two cannot disagree.
public enum MessageBody: Sendable, Hashable {
    case request(RequestBody)
    case response(ResponseBody)
    case auth(AuthBody)
    case bind(BindBody)
    case unbind(BindBody)
    /// KEEP_ALIVE (0x1F): a header with no body. Defined by the protocol but never sent by the C SDK,
    /// which drops it; keep-alive is WebSocket ping/pong (§1.8, §3.6).
    case keepAlive
    /// One chunk of a multipart message.
    case chunk(MultipartChunk)

    /// Byte 1 of the header.
    public var code: MessageCode {
        switch self {
        case .request(let request): request.method.code
        case .response(let response): response.status.code
        case .auth: .auth
        case .bind: .bind
        case .unbind: .unbind
        case .keepAlive: .keepAlive
        case .chunk(let chunk): chunk.code
        }
    }
}
