/// The entity type byte of a request (`alwayson.md` §3.1). A struct, not an enum, because the C SDK
/// accepts any byte on incoming requests and a receiver should answer NOT_FOUND rather than fail to parse.
public struct EntityType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let undefined = EntityType(rawValue: 0x00)
    public static let thing = EntityType(rawValue: 0x0A)
    public static let thingShapes = EntityType(rawValue: 0x0B)
    public static let thingTemplates = EntityType(rawValue: 0x0C)
    public static let thingPackages = EntityType(rawValue: 0x0D)
    public static let networks = EntityType(rawValue: 0x0E)
    public static let dataShapes = EntityType(rawValue: 0x0F)
    public static let modelTags = EntityType(rawValue: 0x14)
    public static let dataTags = EntityType(rawValue: 0x15)
    public static let mashups = EntityType(rawValue: 0x1E)
    public static let widgets = EntityType(rawValue: 0x1F)
    public static let styleDefinitions = EntityType(rawValue: 0x20)
    public static let stateDefinitions = EntityType(rawValue: 0x21)
    public static let menus = EntityType(rawValue: 0x22)
    public static let mediaEntities = EntityType(rawValue: 0x23)
    public static let localizationTables = EntityType(rawValue: 0x24)
    public static let dashboards = EntityType(rawValue: 0x27)
    public static let logs = EntityType(rawValue: 0x28)
    public static let users = EntityType(rawValue: 0x32)
    public static let groups = EntityType(rawValue: 0x33)
    public static let organizations = EntityType(rawValue: 0x34)
    public static let applicationKeys = EntityType(rawValue: 0x35)
    public static let directoryServices = EntityType(rawValue: 0x36)
    public static let resource = EntityType(rawValue: 0x3C)
    public static let scriptFunctionLibraries = EntityType(rawValue: 0x3D)
    public static let extensionPackages = EntityType(rawValue: 0x46)
    public static let subsystem = EntityType(rawValue: 0x50)

    private static let names: [UInt8: String] = [
        0x00: "UNDEFINED", 0x0A: "THING", 0x0B: "THINGSHAPES", 0x0C: "THINGTEMPLATES", 0x0D: "THINGPACKAGES",
        0x0E: "NETWORKS", 0x0F: "DATASHAPES", 0x14: "MODELTAGS", 0x15: "DATATAGS", 0x1E: "MASHUPS",
        0x1F: "WIDGETS", 0x20: "STYLEDEFINITIONS", 0x21: "STATEDEFINITIONS", 0x22: "MENUS",
        0x23: "MEDIAENTITIES", 0x24: "LOCALIZATIONTABLES", 0x27: "DASHBOARDS", 0x28: "LOGS", 0x32: "USERS",
        0x33: "GROUPS", 0x34: "ORGANIZATIONS", 0x35: "APPLICATIONKEYS", 0x36: "DIRECTORYSERVICES",
        0x3C: "RESOURCE", 0x3D: "SCRIPTFUNCTIONLIBRARIES", 0x46: "EXTENSIONPACKAGES", 0x50: "SUBSYSTEM",
    ]

    /// The spec's name (`THING`, `SUBSYSTEM`, …) or `0x..` hex for bytes without one.
    public var name: String { EntityType.names[rawValue] ?? hexByte(rawValue) }

    /// Looks a type up by name (case-insensitive) or `0x..` hex.
    public init?(name: String) {
        let upper = name.uppercased()
        if let match = EntityType.names.first(where: { $0.value == upper }) {
            self.init(rawValue: match.key)
        } else if let byte = parseHexByte(name) {
            self.init(rawValue: byte)
        } else {
            return nil
        }
    }

    public var description: String { name }
}
