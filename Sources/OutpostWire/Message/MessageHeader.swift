public import NIOCore

/// The fixed 15-byte header every message and every chunk starts with (`alwayson.md` §2).
///
/// ``AlwaysOnMessage`` computes its header from its body; this type exists to *peek* at a received
/// message (route a response by request id, spot a chunk) without decoding the body.
public struct MessageHeader: Sendable, Hashable {
    /// Header length in bytes.
    public static let size = 15

    /// Always 1 when sent; not checked on receipt.
    public var version: UInt8
    public var code: MessageCode
    public var requestID: UInt32
    public var endpointID: UInt32
    public var sessionID: UInt32
    /// 0 for a single message; any other value marks a multipart chunk (senders write 1).
    public var multipartFlag: UInt8

    public init(
        version: UInt8 = 1,
        code: MessageCode,
        requestID: UInt32,
        endpointID: UInt32 = 0,
        sessionID: UInt32,
        multipartFlag: UInt8 = 0
    ) {
        self.version = version
        self.code = code
        self.requestID = requestID
        self.endpointID = endpointID
        self.sessionID = sessionID
        self.multipartFlag = multipartFlag
    }

    public var isMultipart: Bool { multipartFlag != 0 }

    /// Reads the header at the buffer's reader index without moving it.
    public init(peekingAt buffer: ByteBuffer) throws(WireError) {
        guard
            let (version, code, requestID, endpointID, sessionID, multipart) = buffer.getMultipleIntegers(
                at: buffer.readerIndex,
                as: (UInt8, UInt8, UInt32, UInt32, UInt32, UInt8).self
            )
        else {
            throw WireError(
                .truncated,
                at: buffer.readableBytes,
                "message ends inside the 15-byte header (\(buffer.readableBytes) bytes)"
            )
        }
        self.init(
            version: version,
            code: MessageCode(rawValue: code),
            requestID: requestID,
            endpointID: endpointID,
            sessionID: sessionID,
            multipartFlag: multipart
        )
    }

    /// Writes the 15 bytes.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeMultipleIntegers(version, code.rawValue, requestID, endpointID, sessionID, multipartFlag)
    }
}
