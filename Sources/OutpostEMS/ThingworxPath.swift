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

    /// Parses a request path. Runs for every request, so it works on the UTF-8 bytes in place: no
    /// Foundation (`removingPercentEncoding` and `caseInsensitiveCompare` took about 70,000
    /// instructions per request), no array of segments, no lower-cased copies (splitting and
    /// lower-casing still took about 11,000 in a release build).
    static func parse(_ rawPath: String) -> Result<ThingworxPath, ParseError> {
        var rawPath = rawPath
        return rawPath.withUTF8 { parse(bytes: $0) }
    }

    private static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Result<ThingworxPath, ParseError> {
        var segments = SegmentCursor(bytes: bytes)
        guard let root = segments.next(), equal(bytes, root, "Thingworx", ignoringCase: false) else {
            return .failure(.notThingworx)
        }
        // Every segment must decode before anything else is judged, as when they were all decoded first.
        var probe = segments
        var count = 0
        while let segment = probe.next() {
            count += 1
            if bytes[segment].contains(UInt8(ascii: "%")), percentDecoded(bytes[segment]) == nil { return .failure(.badEncoding) }
        }
        func text(_ segment: Range<Int>) -> String { percentDecoded(bytes[segment]) ?? "" }

        guard let collectionSegment = segments.next() else { return .failure(.unknownCollection("")) }
        guard let index = collectionNameBytes.firstIndex(where: { equal(bytes, collectionSegment, $0, ignoringCase: true) }) else {
            return .failure(.unknownCollection(text(collectionSegment)))
        }
        let collection = collections[index]
        var path = ThingworxPath(collection: collection.0, entityType: collection.1, entity: nil, characteristic: nil, name: nil)
        guard let entitySegment = segments.next() else { return .success(path) }
        path.entity = text(entitySegment)
        guard let characteristicSegment = segments.next() else { return .success(path) }
        if equal(bytes, characteristicSegment, "properties", ignoringCase: true) {
            path.characteristic = .properties
        } else if equal(bytes, characteristicSegment, "services", ignoringCase: true) {
            path.characteristic = .services
        } else if equal(bytes, characteristicSegment, "events", ignoringCase: true) {
            path.characteristic = .events
        } else {
            return .failure(.unexpectedCharacteristic(text(characteristicSegment)))
        }
        guard let nameSegment = segments.next() else { return .success(path) }
        guard count == 4 else { return .failure(.tooManySegments) }
        path.name = text(nameSegment)
        return .success(path)
    }

    /// The non-empty `/`-separated segments of a path, as byte ranges.
    private struct SegmentCursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        mutating func next() -> Range<Int>? {
            while position < bytes.count, bytes[position] == UInt8(ascii: "/") { position += 1 }
            guard position < bytes.count else { return nil }
            let start = position
            while position < bytes.count, bytes[position] != UInt8(ascii: "/") { position += 1 }
            return start..<position
        }
    }

    /// The collection names as bytes, in the order of ``collections``.
    private static let collectionNameBytes: [[UInt8]] = collections.map { Array($0.0.utf8) }

    /// Whether the raw segment spells `word` (ASCII letters, compared case-insensitively when asked).
    /// A percent-encoded spelling is decoded first, as the grammar is defined on decoded text.
    private static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ segment: Range<Int>, _ word: StaticString, ignoringCase: Bool) -> Bool {
        equal(bytes, segment, UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount), ignoringCase: ignoringCase)
    }

    private static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ segment: Range<Int>, _ word: [UInt8], ignoringCase: Bool) -> Bool {
        word.withUnsafeBufferPointer { equal(bytes, segment, $0, ignoringCase: ignoringCase) }
    }

    private static func equal(
        _ bytes: UnsafeBufferPointer<UInt8>, _ segment: Range<Int>, _ word: UnsafeBufferPointer<UInt8>, ignoringCase: Bool
    ) -> Bool {
        let raw = bytes[segment]
        if raw.contains(UInt8(ascii: "%")) {
            guard let decoded = percentDecoded(raw) else { return false }
            return sameLetters(Array(decoded.utf8)[...], word, ignoringCase: ignoringCase)
        }
        return sameLetters(raw, word, ignoringCase: ignoringCase)
    }

    /// Byte-wise equality; with `ignoringCase`, ASCII letters match in either case (`word` is letters only).
    private static func sameLetters<Text: Collection<UInt8>>(_ text: Text, _ word: UnsafeBufferPointer<UInt8>, ignoringCase: Bool) -> Bool {
        guard text.count == word.count else { return false }
        let fold: UInt8 = ignoringCase ? 0x20 : 0
        var index = text.startIndex
        for letter in word {
            guard text[index] | fold == letter | fold else { return false }
            index = text.index(after: index)
        }
        return true
    }

    /// `%XX` sequences decoded (not `+`, as in a path); nil when a sequence is malformed or the
    /// result is not UTF-8, as `removingPercentEncoding` answers.
    static func percentDecoded(_ segment: Slice<UnsafeBufferPointer<UInt8>>) -> String? {
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
