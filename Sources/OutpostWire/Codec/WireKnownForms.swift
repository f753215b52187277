/// DataShapes and names that the C SDK puts in nearly every message, recognised by their exact bytes.
///
/// A property push carries the same two DataShapes (`values` INFOTABLE around `name`, `value`, `time`,
/// `quality`) and the same 30-byte service name every time. Decoding them the ordinary way allocates
/// two field lists and a string per message and frees them again; recognising the bytes lets every
/// decoded message share one immutable copy instead. Recognition is an exact byte comparison of the
/// canonical encoding (entry markers `01`, short string lengths, empty descriptions, no aspects), so
/// the result is exactly what parsing the bytes would give and no spelling needs recording; any other
/// spelling of the same shape simply takes the ordinary path.
enum WireKnownForms {
    /// A DataShape and its canonical wire bytes, entry markers and end marker included.
    struct Shape: Sendable {
        let fields: [FieldDefinition]
        let bytes: [UInt8]
        /// Length-prefixed strings in `bytes` (a name and a description per field).
        var stringCount: Int { 2 * fields.count }
        /// Flag bytes in `bytes` (an entry marker per field and the end marker).
        var flagCount: Int { fields.count + 1 }

        init(_ fields: [FieldDefinition]) {
            precondition(fields.allSatisfy { $0.aspects.isEmpty && $0.name.utf8.count < 0x80 && $0.description.utf8.count < 0x80 })
            self.fields = fields
            var bytes: [UInt8] = []
            for field in fields {
                bytes.append(1)
                bytes.append(UInt8(field.name.utf8.count))
                bytes.append(contentsOf: field.name.utf8)
                bytes.append(UInt8(field.description.utf8.count))
                bytes.append(contentsOf: field.description.utf8)
                bytes.append(field.baseType.rawValue)
                bytes.append(contentsOf: [0, 0])
            }
            bytes.append(0)
            self.bytes = bytes
        }
    }

    /// The shapes of a property push (§4.6), the table most messages carry.
    static let shapes: [Shape] = [
        Shape([
            FieldDefinition(name: "name", baseType: .string),
            FieldDefinition(name: "value", baseType: .variant),
            FieldDefinition(name: "time", baseType: .datetime),
            FieldDefinition(name: "quality", baseType: .string),
        ]),
        Shape([FieldDefinition(name: "values", baseType: .infoTable)]),
    ]

    /// Names longer than the 15 bytes a string holds inline, which would otherwise cost an allocation
    /// per message: the services of the usual flow (§6.1).
    static let names: [(bytes: [UInt8], text: String)] = [
        "UpdateSubscribedPropertyValues",
        "GetPropertySubscriptions",
        "NotifyPropertyUpdate",
    ].map { (Array($0.utf8), $0) }

    /// The longest and shortest of ``names``, to skip the search for every other length at once.
    static let nameLengths: ClosedRange<Int> = {
        let counts = names.map(\.bytes.count)
        return counts.min()!...counts.max()!
    }()

    /// Index into ``shapes`` of the shape whose bytes `bytes` starts with.
    @inline(__always)
    static func shape(at bytes: UnsafeRawBufferPointer) -> Int? {
        // Every known shape starts with an entry marker and is longer than a word.
        guard bytes.count >= 8, bytes[0] == 1 else { return nil }
        return shapes.withUnsafeBufferPointer { shapes in
            for index in shapes.indices where startsWith(bytes, shapes[index].bytes) {
                return index
            }
            return nil
        }
    }

    /// The shared string for these bytes, if they are one of ``names``.
    @inline(__always)
    static func name(_ bytes: UnsafeRawBufferPointer) -> String? {
        guard nameLengths.contains(bytes.count) else { return nil }
        for name in names where name.bytes.count == bytes.count && startsWith(bytes, name.bytes) {
            return name.text
        }
        return nil
    }

    /// Whether `bytes` begins with `prefix`, compared a word at a time.
    @inline(__always)
    private static func startsWith(_ bytes: UnsafeRawBufferPointer, _ prefix: [UInt8]) -> Bool {
        prefix.withUnsafeBytes { prefix in
            let count = prefix.count
            guard count <= bytes.count else { return false }
            var index = 0
            while index &+ 8 <= count {
                if bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    != prefix.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                {
                    return false
                }
                index &+= 8
            }
            while index < count {
                if bytes[index] != prefix[index] { return false }
                index &+= 1
            }
            return true
        }
    }
}
