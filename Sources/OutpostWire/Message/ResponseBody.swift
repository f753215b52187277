/// The body of a response (`alwayson.md` §3.2): status, optional reason text and optional content.
///
/// The C SDK never sets the reason flag and pads with zero bytes instead; decoding tolerates that
/// (the padding is kept in ``WireSpelling/trailingBytes``), and encoding always writes a real reason.
public struct ResponseBody: Sendable, Hashable {
    public var status: ResponseStatus
    public var reason: String?
    /// The result InfoTable, or `nil` for no content (`FF` on the wire).
    public var content: InfoTable?

    public init(status: ResponseStatus = .success, reason: String? = nil, content: InfoTable? = nil) {
        self.status = status
        self.reason = reason
        self.content = content
    }
}
