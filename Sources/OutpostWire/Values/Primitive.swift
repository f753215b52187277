/// A typed value: one base-type byte plus the value (`alwayson.md` §4.4). Row fields, aspect values and
/// VARIANT contents are primitives.
///
/// String-family types (STRING, JSON, XML, THINGNAME, …) share ``text(_:_:)`` and IMAGE/BLOB share
/// ``bytes(_:_:)``, so that each wire spelling has exactly one Swift value; use the static helpers
/// (``string(_:)``, ``json(_:)``, ``blob(_:)``) to build the common ones.
///
/// Equality is wire equality: NUMBER values compare by bit pattern, so a decoded NaN equals itself and
/// `0.0 != -0.0`.
public enum Primitive: Sendable {
    /// NOTHING (`FF`): no value.
    case nothing
    /// A string-family value; the base type must satisfy `BaseType.isTextual`.
    case text(BaseType, String)
    /// NUMBER: an IEEE-754 double.
    case number(Double)
    /// BOOLEAN.
    case boolean(Bool)
    /// DATETIME: milliseconds since 1970-01-01T00:00:00Z (the wire holds the unsigned 64-bit pattern).
    case datetime(Int64)
    /// INFOTABLE: a nested table.
    case infoTable(InfoTable)
    /// LOCATION.
    case location(Location)
    /// IMAGE or BLOB: raw bytes with a 4-byte length on the wire.
    case bytes(BaseType, [UInt8])
    /// VARIANT: a value that carries its own type, e.g. the `value` column of a property push.
    indirect case variant(Primitive)
    /// INTEGER: signed 32 bits.
    case integer(Int32)

    /// A STRING value.
    public static func string(_ value: String) -> Primitive { .text(.string, value) }
    /// A JSON value holding serialized JSON text.
    public static func json(_ text: String) -> Primitive { .text(.json, text) }
    /// A BLOB value.
    public static func blob(_ bytes: [UInt8]) -> Primitive { .bytes(.blob, bytes) }

    /// The type byte this value is written with.
    public var baseType: BaseType {
        switch self {
        case .nothing: .nothing
        case .text(let type, _): type
        case .number: .number
        case .boolean: .boolean
        case .datetime: .datetime
        case .infoTable: .infoTable
        case .location: .location
        case .bytes(let type, _): type
        case .variant: .variant
        case .integer: .integer
        }
    }

    /// The text of any string-family value.
    public var stringValue: String? {
        if case .text(_, let text) = self { return text }
        return nil
    }

    /// NUMBER or INTEGER as a double, looking through VARIANT. The C SDK sometimes sends a NUMBER in a
    /// field declared INTEGER (§4.4), so readers should convert rather than insist on one case.
    public var doubleValue: Double? {
        switch self {
        case .number(let value): value
        case .integer(let value): Double(value)
        case .variant(let inner): inner.doubleValue
        default: nil
        }
    }

    /// The nested table of an INFOTABLE value.
    public var infoTableValue: InfoTable? {
        if case .infoTable(let table) = self { return table }
        return nil
    }
}

extension Primitive: Hashable {
    public static func == (lhs: Primitive, rhs: Primitive) -> Bool {
        switch (lhs, rhs) {
        case (.nothing, .nothing): true
        case (.text(let t1, let s1), .text(let t2, let s2)): t1 == t2 && s1 == s2
        case (.number(let a), .number(let b)): a.bitPattern == b.bitPattern
        case (.boolean(let a), .boolean(let b)): a == b
        case (.datetime(let a), .datetime(let b)): a == b
        case (.infoTable(let a), .infoTable(let b)): a == b
        case (.location(let a), .location(let b)): a == b
        case (.bytes(let t1, let b1), .bytes(let t2, let b2)): t1 == t2 && b1 == b2
        case (.variant(let a), .variant(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(baseType)
        switch self {
        case .nothing: break
        case .text(_, let text): hasher.combine(text)
        case .number(let value): hasher.combine(value.bitPattern)
        case .boolean(let value): hasher.combine(value)
        case .datetime(let value): hasher.combine(value)
        case .infoTable(let table): hasher.combine(table)
        case .location(let location): hasher.combine(location)
        case .bytes(_, let bytes): hasher.combine(bytes)
        case .variant(let inner): hasher.combine(inner)
        case .integer(let value): hasher.combine(value)
        }
    }
}
