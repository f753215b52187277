/// Bounds a decoder enforces so that hostile input cannot exhaust memory or the stack.
///
/// Lengths and counts are always checked against the bytes that remain before anything is allocated;
/// these limits add the checks that the bytes alone cannot give.
public struct WireLimits: Sendable, Hashable {
    /// The deepest allowed nesting of InfoTables and VARIANTs. The parameters InfoTable of a request is
    /// level 1; a property push (InfoTable → INFOTABLE → VARIANT) reaches 3.
    public var maxNestingDepth: Int
    /// The largest message accepted, single or reassembled from chunks (the C SDK's `MAX_MESSAGE_SIZE`).
    public var maxMessageSize: Int

    /// Depth that encoding never exceeds, whatever the decoding limit: recursion deeper than this could
    /// exhaust a thread's stack.
    public static let hardMaximumNestingDepth = 256

    /// 16 levels and 1 MiB, the C SDK's message limit.
    public static let `default` = WireLimits()

    /// Values outside the sensible range are clamped rather than trapped on, since they usually come
    /// from configuration: depth to 1...256, message size to 64 bytes...2 GiB.
    public init(maxNestingDepth: Int = 16, maxMessageSize: Int = 1 << 20) {
        self.maxNestingDepth = min(max(maxNestingDepth, 1), WireLimits.hardMaximumNestingDepth)
        self.maxMessageSize = min(max(maxMessageSize, 64), Int(Int32.max))
    }
}

extension WireLimits {
    /// JSON nesting that the JSON forms of a message within these limits can reach: each InfoTable level
    /// takes up to six JSON levels (an InfoTable inside an aspect: table, dataShape, fieldDefinitions,
    /// field, aspects, typed wrapper), plus the message's own.
    var jsonDepth: Int { 6 * maxNestingDepth + 8 }
}
