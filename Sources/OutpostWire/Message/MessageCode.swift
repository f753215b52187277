/// Byte 1 of every message header: a method code for requests, AUTH, BIND, UNBIND and KEEP_ALIVE, or a
/// status code (≥ 0x40) for responses (`alwayson.md` §2.1–2.3).
///
/// A struct rather than an enum because any byte ≥ 0x40 is a response, named or not.
public struct MessageCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let get = MessageCode(rawValue: 0x01)
    public static let put = MessageCode(rawValue: 0x02)
    public static let post = MessageCode(rawValue: 0x03)
    public static let delete = MessageCode(rawValue: 0x04)
    public static let bind = MessageCode(rawValue: 0x0A)
    public static let unbind = MessageCode(rawValue: 0x0B)
    public static let auth = MessageCode(rawValue: 0x14)
    /// Defined by the protocol but never sent by the C SDK, which drops it as unhandled (§1.8): use
    /// WebSocket ping/pong for keep-alive.
    public static let keepAlive = MessageCode(rawValue: 0x1F)

    /// How a receiver treats a message with this code (§2.3).
    public enum Kind: Sendable, Hashable {
        case request
        case response
        case auth
        case bind
        case unbind
        case keepAlive
        /// 0x00, 0x05–0x09, 0x0C–0x13, 0x15–0x1E, 0x20–0x3F: the C SDK drops such messages.
        case undefined
    }

    public var kind: Kind {
        switch rawValue {
        case 0x01...0x04: .request
        case 0x0A: .bind
        case 0x0B: .unbind
        case 0x14: .auth
        case 0x1F: .keepAlive
        case 0x40...: .response
        default: .undefined
        }
    }

    /// `GET`, `BIND`, `SUCCESS`, `NOT_FOUND`, …; codes without a name print as `0x41`.
    public var name: String {
        switch kind {
        case .request: RequestMethod(rawValue: rawValue)!.name
        case .response: ResponseStatus(rawValue: rawValue)!.name
        case .auth: "AUTH"
        case .bind: "BIND"
        case .unbind: "UNBIND"
        case .keepAlive: "KEEP_ALIVE"
        case .undefined: hexByte(rawValue)
        }
    }

    /// Looks a code up by ``name`` (case-insensitive), or parses `0x41`-style hex.
    public init?(name: String) {
        switch name.uppercased() {
        case "AUTH": self = .auth
        case "BIND": self = .bind
        case "UNBIND": self = .unbind
        case "KEEP_ALIVE", "KEEPALIVE": self = .keepAlive
        default:
            if let method = RequestMethod(name: name) {
                self.init(rawValue: method.rawValue)
            } else if let status = ResponseStatus(name: name) {
                self.init(rawValue: status.rawValue)
            } else if let byte = parseHexByte(name) {
                self.init(rawValue: byte)
            } else {
                return nil
            }
        }
    }

    public var description: String { name }
}

/// `0x4F`-style spelling of a byte, used wherever a code has no name.
func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
}

/// Parses `0x4F` (or `0X4f`) into a byte.
func parseHexByte(_ text: String) -> UInt8? {
    guard text.count > 2, text.lowercased().hasPrefix("0x") else { return nil }
    return UInt8(text.dropFirst(2), radix: 16)
}
