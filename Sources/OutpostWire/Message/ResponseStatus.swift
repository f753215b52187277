/// The status code of a response: any byte ≥ 0x40 (`alwayson.md` §2.2). The top three bits are the
/// CoAP-style class and the low five the detail, so 0x84 is 4.04 NOT_FOUND.
public struct ResponseStatus: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt8

    /// `nil` for bytes below 0x40, which are not responses.
    public init?(rawValue: UInt8) {
        guard rawValue >= 0x40 else { return nil }
        self.rawValue = rawValue
    }

    private init(_ rawValue: UInt8) { self.rawValue = rawValue }

    public static let success = ResponseStatus(0x40)
    public static let badRequest = ResponseStatus(0x80)
    public static let unauthorized = ResponseStatus(0x81)
    public static let badOption = ResponseStatus(0x82)
    public static let forbidden = ResponseStatus(0x83)
    public static let notFound = ResponseStatus(0x84)
    public static let methodNotAllowed = ResponseStatus(0x85)
    public static let notAcceptable = ResponseStatus(0x86)
    public static let preconditionFailed = ResponseStatus(0x8C)
    public static let entityTooLarge = ResponseStatus(0x8D)
    public static let unsupportedContentFormat = ResponseStatus(0x8F)
    public static let internalServerError = ResponseStatus(0xA0)
    public static let notImplemented = ResponseStatus(0xA1)
    public static let badGateway = ResponseStatus(0xA2)
    public static let serviceUnavailable = ResponseStatus(0xA3)
    public static let gatewayTimeout = ResponseStatus(0xA4)

    private static let names: [UInt8: String] = [
        0x40: "SUCCESS", 0x80: "BAD_REQUEST", 0x81: "UNAUTHORIZED", 0x82: "BAD_OPTION", 0x83: "FORBIDDEN",
        0x84: "NOT_FOUND", 0x85: "METHOD_NOT_ALLOWED", 0x86: "NOT_ACCEPTABLE", 0x8C: "PRECONDITION_FAILED",
        0x8D: "ENTITY_TOO_LARGE", 0x8F: "UNSUPPORTED_CONTENT_FORMAT", 0xA0: "INTERNAL_SERVER_ERROR",
        0xA1: "NOT_IMPLEMENTED", 0xA2: "BAD_GATEWAY", 0xA3: "SERVICE_UNAVAILABLE", 0xA4: "GATEWAY_TIMEOUT",
    ]

    /// The spec's name (`SUCCESS`, `NOT_FOUND`, …) or `0x41`-style hex for unnamed codes.
    public var name: String { ResponseStatus.names[rawValue] ?? hexByte(rawValue) }

    /// Looks a status up by name (case-insensitive) or `0x..` hex.
    public init?(name: String) {
        let upper = name.uppercased()
        if let match = ResponseStatus.names.first(where: { $0.value == upper }) {
            self.init(match.key)
        } else if let byte = parseHexByte(name), byte >= 0x40 {
            self.init(byte)
        } else {
            return nil
        }
    }

    /// The HTTP status the EMS maps this code to: class × 100 + detail (0x84 → 404, 0xA3 → 503).
    public var httpStatus: Int { Int(rawValue >> 5) * 100 + Int(rawValue & 0x1F) }

    public var isSuccess: Bool { rawValue >> 5 == 2 }

    public var code: MessageCode { MessageCode(rawValue: rawValue) }

    public var description: String { name }
}
