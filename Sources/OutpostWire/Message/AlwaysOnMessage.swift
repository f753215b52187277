/// One AlwaysOn message: the header's identifiers and a body (`alwayson.md` §2–3).
///
/// Both roles use this type for everything they send and receive: the edge encodes AUTH, BIND and its
/// requests and decodes the platform's requests and responses; the platform does the reverse. Request
/// ids are the caller's business: the codec writes whatever ``requestID`` holds.
///
/// ``spelling`` is `nil` for every message built in code and for canonical input; decoding sets it only
/// when the sender used a legal but unusual spelling (a 4-byte length for a short string, padding after
/// the body, …), so that encoding a decoded message reproduces its bytes exactly.
public struct AlwaysOnMessage: Sendable, Hashable {
    /// The Session ID every AUTH request carries.
    public static let authSessionID: UInt32 = 0xFFFF_FFFF

    public var requestID: UInt32
    /// 0 in everything the edge originates; responses echo the request's value.
    public var endpointID: UInt32
    /// The Session ID assigned in the AUTH reply (``authSessionID`` in the AUTH request itself).
    public var sessionID: UInt32
    public var body: MessageBody
    /// How the decoded bytes departed from the canonical encoding, if they did.
    public var spelling: WireSpelling?

    public init(
        requestID: UInt32,
        endpointID: UInt32 = 0,
        sessionID: UInt32,
        body: MessageBody,
        spelling: WireSpelling? = nil
    ) {
        self.requestID = requestID
        self.endpointID = endpointID
        self.sessionID = sessionID
        self.body = body
        self.spelling = spelling
    }

    /// The header this message is written with.
    public var header: MessageHeader {
        let isChunk: Bool
        if case .chunk = body { isChunk = true } else { isChunk = false }
        return MessageHeader(
            version: spelling?.version ?? 1,
            code: body.code,
            requestID: requestID,
            endpointID: endpointID,
            sessionID: sessionID,
            // A recorded flag of 0 would turn the chunk into something else; it is never applied.
            multipartFlag: isChunk ? max(spelling?.multipartFlag ?? 1, 1) : 0
        )
    }

    /// An AUTH request with the one `appKey` claim the C SDK sends (§3.3).
    public static func auth(requestID: UInt32, appKey: String) -> AlwaysOnMessage {
        AlwaysOnMessage(requestID: requestID, sessionID: authSessionID, body: .auth(AuthBody(appKey: appKey)))
    }

    /// A response to this message: same request id and endpoint id, the given Session ID (by default the
    /// request's own).
    public func reply(
        _ status: ResponseStatus = .success,
        reason: String? = nil,
        content: InfoTable? = nil,
        sessionID: UInt32? = nil
    ) -> AlwaysOnMessage {
        AlwaysOnMessage(
            requestID: requestID,
            endpointID: endpointID,
            sessionID: sessionID ?? self.sessionID,
            body: .response(ResponseBody(status: status, reason: reason, content: content))
        )
    }
}
