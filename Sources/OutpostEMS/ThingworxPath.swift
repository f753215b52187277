import Foundation
import OutpostWire

/// A request path under `/Thingworx` split per `ems-lsr.md` §3.2:
/// `/Thingworx/{collection}/{entity}[/{characteristic}[/{name}]]`.
struct ThingworxPath: Sendable, Equatable {
    var collection: String
    var entityType: EntityType
    /// nil for the bare collection (`/Thingworx/Things`).
    var entity: String?
    var characteristic: Characteristic?
    /// Property, service or event name; nil for "all properties".
    var name: String?

    static let collections: [(String, EntityType)] = [
        ("Things", .thing), ("ThingShapes", .thingShapes), ("ThingTemplates", .thingTemplates),
        ("ThingPackages", .thingPackages), ("Networks", .networks), ("DataShapes", .dataShapes),
        ("ModelTags", .modelTags), ("DataTags", .dataTags), ("Mashups", .mashups), ("Widgets", .widgets),
        ("StyleDefinitions", .styleDefinitions), ("StateDefinitions", .stateDefinitions), ("Menus", .menus),
        ("MediaEntities", .mediaEntities), ("LocalizationTables", .localizationTables),
        ("Dashboards", .dashboards), ("Logs", .logs), ("Users", .users), ("Groups", .groups),
        ("Organizations", .organizations), ("ApplicationKeys", .applicationKeys),
        ("DirectoryServices", .directoryServices), ("Resources", EntityType(rawValue: 0x3C)),
        ("ScriptFunctionLibraries", EntityType(rawValue: 0x3D)), ("ExtensionPackages", EntityType(rawValue: 0x3E)),
        ("Subsystems", EntityType(rawValue: 0x50)),
    ]

    enum ParseError: Error, Equatable {
        /// Not under `/Thingworx`.
        case notThingworx
        case unknownCollection(String)
        case unexpectedCharacteristic(String)
        case tooManySegments
        case badEncoding
    }

    static func parse(_ rawPath: String) -> Result<ThingworxPath, ParseError> {
        var segments = rawPath.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let root = segments.first, root == "Thingworx" else { return .failure(.notThingworx) }
        segments.removeFirst()
        var decoded: [String] = []
        for segment in segments {
            guard let text = segment.removingPercentEncoding, !text.isEmpty else { return .failure(.badEncoding) }
            decoded.append(text)
        }
        guard let collectionName = decoded.first else { return .failure(.unknownCollection("")) }
        guard let collection = collections.first(where: { $0.0.caseInsensitiveCompare(collectionName) == .orderedSame }) else {
            return .failure(.unknownCollection(collectionName))
        }
        var path = ThingworxPath(collection: collection.0, entityType: collection.1, entity: nil, characteristic: nil, name: nil)
        guard decoded.count > 1 else { return .success(path) }
        path.entity = decoded[1]
        guard decoded.count > 2 else { return .success(path) }
        switch decoded[2].lowercased() {
        case "properties": path.characteristic = .properties
        case "services": path.characteristic = .services
        case "events": path.characteristic = .events
        default: return .failure(.unexpectedCharacteristic(decoded[2]))
        }
        guard decoded.count > 3 else { return .success(path) }
        guard decoded.count == 4 else { return .failure(.tooManySegments) }
        path.name = decoded[3]
        return .success(path)
    }
}
