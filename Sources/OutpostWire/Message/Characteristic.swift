/// What a request addresses on its entity: properties, services or events (`alwayson.md` §3.1). Any byte
/// parses, so that a receiver can answer NOT_FOUND for unknown ones as the C SDK does.
public struct Characteristic: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let properties = Characteristic(rawValue: 0x01)
    public static let services = Characteristic(rawValue: 0x02)
    public static let events = Characteristic(rawValue: 0x03)

    /// `PROPERTIES`, `SERVICES`, `EVENTS`, or `0x..` hex.
    public var name: String {
        switch rawValue {
        case 0x01: "PROPERTIES"
        case 0x02: "SERVICES"
        case 0x03: "EVENTS"
        default: hexByte(rawValue)
        }
    }

    /// Looks a characteristic up by name (case-insensitive) or `0x..` hex.
    public init?(name: String) {
        switch name.uppercased() {
        case "PROPERTIES": self = .properties
        case "SERVICES": self = .services
        case "EVENTS": self = .events
        default:
            guard let byte = parseHexByte(name) else { return nil }
            self.init(rawValue: byte)
        }
    }

    public var description: String { name }
}
