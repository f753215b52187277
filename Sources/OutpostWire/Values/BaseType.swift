/// The base types of the AlwaysOn protocol (`alwayson.md` §4.3), written as one byte on the wire.
///
/// Every code the protocol names is a case, including TIMESPAN and SCHEDULE, which may be declared in a
/// DataShape but have no value encoding. LONG is absent: C SDK 2.2.1 defines no code for it (§9).
public enum BaseType: UInt8, Sendable, Hashable, CaseIterable {
    case nothing = 0xFF
    case string = 0x00
    case number = 0x01
    case boolean = 0x02
    case datetime = 0x03
    case timespan = 0x04
    case infoTable = 0x05
    case location = 0x06
    case xml = 0x07
    case json = 0x08
    case query = 0x09
    case image = 0x0A
    case hyperlink = 0x0B
    case imageLink = 0x0C
    case password = 0x0D
    case html = 0x0E
    case text = 0x0F
    case tags = 0x10
    case schedule = 0x11
    case variant = 0x12
    case guid = 0x14
    case blob = 0x15
    case integer = 0x16
    case propertyName = 0x32
    case serviceName = 0x33
    case eventName = 0x34
    case thingName = 0x64
    case thingShapeName = 0x65
    case thingTemplateName = 0x66
    case dataShapeName = 0x68
    case mashupName = 0x69
    case menuName = 0x6A
    case baseTypeName = 0x6B
    case userName = 0x6C
    case groupName = 0x6D
    case categoryName = 0x6E
    case stateDefinitionName = 0x6F
    case styleDefinitionName = 0x70
    case modelTagVocabularyName = 0x71
    case dataTagVocabularyName = 0x72
    case networkName = 0x73
    case mediaEntityName = 0x74
    case applicationKeyName = 0x75
    case localizationTableName = 0x76
    case organizationName = 0x77
    case dashboardName = 0x78

    /// Whether values of this type are a length-prefixed string on the wire (STRING, JSON, XML, the
    /// entity-name types, …).
    public var isTextual: Bool {
        switch self {
        case .string, .xml, .json, .query, .hyperlink, .imageLink, .password, .html, .text, .tags, .guid,
            .propertyName, .serviceName, .eventName, .thingName, .thingShapeName, .thingTemplateName,
            .dataShapeName, .mashupName, .menuName, .baseTypeName, .userName, .groupName, .categoryName,
            .stateDefinitionName, .styleDefinitionName, .modelTagVocabularyName, .dataTagVocabularyName,
            .networkName, .mediaEntityName, .applicationKeyName, .localizationTableName, .organizationName,
            .dashboardName:
            return true
        default:
            return false
        }
    }

    /// Whether values of this type are raw bytes with a 4-byte length (IMAGE, BLOB).
    public var isBinary: Bool { self == .image || self == .blob }

    /// Whether values of this type can be put on the wire. TIMESPAN and SCHEDULE have no encoding: the C
    /// SDK writes only their type byte and fails to parse them.
    public var hasValueEncoding: Bool { self != .timespan && self != .schedule }

    /// The upper-case name used in JSON metadata (`baseType`), e.g. `INFOTABLE`, `THINGNAME`.
    public var name: String {
        switch self {
        case .nothing: "NOTHING"
        case .string: "STRING"
        case .number: "NUMBER"
        case .boolean: "BOOLEAN"
        case .datetime: "DATETIME"
        case .timespan: "TIMESPAN"
        case .infoTable: "INFOTABLE"
        case .location: "LOCATION"
        case .xml: "XML"
        case .json: "JSON"
        case .query: "QUERY"
        case .image: "IMAGE"
        case .hyperlink: "HYPERLINK"
        case .imageLink: "IMAGELINK"
        case .password: "PASSWORD"
        case .html: "HTML"
        case .text: "TEXT"
        case .tags: "TAGS"
        case .schedule: "SCHEDULE"
        case .variant: "VARIANT"
        case .guid: "GUID"
        case .blob: "BLOB"
        case .integer: "INTEGER"
        case .propertyName: "PROPERTYNAME"
        case .serviceName: "SERVICENAME"
        case .eventName: "EVENTNAME"
        case .thingName: "THINGNAME"
        case .thingShapeName: "THINGSHAPENAME"
        case .thingTemplateName: "THINGTEMPLATENAME"
        case .dataShapeName: "DATASHAPENAME"
        case .mashupName: "MASHUPNAME"
        case .menuName: "MENUNAME"
        case .baseTypeName: "BASETYPENAME"
        case .userName: "USERNAME"
        case .groupName: "GROUPNAME"
        case .categoryName: "CATEGORYNAME"
        case .stateDefinitionName: "STATEDEFINITIONNAME"
        case .styleDefinitionName: "STYLEDEFINITIONNAME"
        case .modelTagVocabularyName: "MODELTAGVOCABULARYNAME"
        case .dataTagVocabularyName: "DATATAGVOCABULARYNAME"
        case .networkName: "NETWORKNAME"
        case .mediaEntityName: "MEDIAENTITYNAME"
        case .applicationKeyName: "APPLICATIONKEYNAME"
        case .localizationTableName: "LOCALIZATIONTABLENAME"
        case .organizationName: "ORGANIZATIONNAME"
        case .dashboardName: "DASHBOARDNAME"
        }
    }

    private static let byUppercaseName: [String: BaseType] = {
        var table: [String: BaseType] = [:]
        for type in BaseType.allCases { table[type.name] = type }
        return table
    }()

    /// Looks a type up by its JSON name, ignoring case (`"number"` and `"NUMBER"` both work).
    public init?(name: String) {
        guard let type = BaseType.byUppercaseName[name.uppercased()] else { return nil }
        self = type
    }
}

extension BaseType: CustomStringConvertible {
    public var description: String { name }
}
