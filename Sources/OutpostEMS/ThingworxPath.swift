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

    /// Collections by lower-cased name: the URL grammar is case-insensitive.
    static let collectionsByLowercasedName: [String: (String, EntityType)] = Dictionary(
        collections.map { ($0.0.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })

    /// Parses a request path. Runs for every request, so it works on the UTF-8 bytes with no
    /// Foundation calls (`removingPercentEncoding` and `caseInsensitiveCompare` took about 70,000
    /// instructions per request).
    static func parse(_ rawPath: String) -> Result<ThingworxPath, ParseError> {
        var segments = rawPath.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        guard let root = segments.first, root.elementsEqual("Thingworx".utf8) else { return .failure(.notThingworx) }
        segments.removeFirst()
        var decoded: [String] = []
        decoded.reserveCapacity(segments.count)
        for segment in segments {
            guard let text = percentDecoded(segment), !text.isEmpty else { return .failure(.badEncoding) }
            decoded.append(text)
        }
        guard let collectionName = decoded.first else { return .failure(.unknownCollection("")) }
        guard let collection = collectionsByLowercasedName[collectionName.lowercased()] else {
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

    /// `%XX` sequences decoded (not `+`, as in a path); nil when a sequence is malformed or the
    /// result is not UTF-8, as `removingPercentEncoding` answers.
    static func percentDecoded(_ segment: Substring.UTF8View) -> String? {
        guard segment.contains(UInt8(ascii: "%")) else { return String(decoding: segment, as: UTF8.self) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(segment.count)
        var index = segment.startIndex
        while index != segment.endIndex {
            let byte = segment[index]
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                index = segment.index(after: index)
                continue
            }
            let high = segment.index(after: index)
            guard high != segment.endIndex else { return nil }
            let low = segment.index(after: high)
            guard low != segment.endIndex, let h = hexValue(segment[high]), let l = hexValue(segment[low]) else { return nil }
            bytes.append(h << 4 | l)
            index = segment.index(after: low)
        }
        // Decoding repairs invalid UTF-8 with U+FFFD, which changes the bytes: that is the check.
        let text = String(decoding: bytes, as: UTF8.self)
        return text.utf8.elementsEqual(bytes) ? text : nil
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
