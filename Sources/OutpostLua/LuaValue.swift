/// A Lua value copied out of (or into) a state: what crosses the thread boundary of a ``LuaRuntime``.
///
/// Integers and floats stay apart (`lua_Integer` is `Int64`), because JSON and the AlwaysOn types care:
/// an INTEGER written as `3.0` is a different document. Strings keep embedded NULs; bytes that are not
/// UTF-8 come out as ``bytes(_:)`` so nothing is silently replaced. Functions, userdata and threads cannot
/// leave their state and are represented by ``opaque(_:)`` with their type name.
public enum LuaValue: Sendable, Hashable {
    case `nil`
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    /// A Lua string that is not valid UTF-8.
    case bytes([UInt8])
    case table(LuaTable)
    /// A function, userdata or thread: only its type name survives the copy.
    case opaque(String)

    /// The Lua type name (`"nil"`, `"number"`, `"string"`, `"table"`, …).
    public var typeName: String {
        switch self {
        case .nil: "nil"
        case .boolean: "boolean"
        case .integer, .number: "number"
        case .string, .bytes: "string"
        case .table: "table"
        case .opaque(let name): name
        }
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// Integers, and floats with an exact integer value (Lua's `math.tointeger`).
    public var integerValue: Int64? {
        switch self {
        case .integer(let value): return value
        case .number(let value):
            guard value.rounded() == value, let exact = Int64(exactly: value) else { return nil }
            return exact
        default: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }

    public var tableValue: LuaTable? {
        if case .table(let table) = self { return table }
        return nil
    }

    /// The member of a table by string key, `nil` for anything else.
    public subscript(key: String) -> LuaValue {
        tableValue?.fields[key] ?? .nil
    }

    /// A short description for messages: `string "abc"`, `number 3`, `table`, `function`.
    public var kindDescription: String {
        switch self {
        case .nil: return "nil"
        case .boolean(let value): return "boolean \(value)"
        case .integer(let value): return "number \(value)"
        case .number(let value): return "number \(value)"
        case .string(let text):
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return "string \"\(shown)\""
        case .bytes(let bytes): return "string of \(bytes.count) bytes"
        case .table: return "table"
        case .opaque(let name): return name
        }
    }
}

/// A Lua table copied by value: its sequence part `t[1…n]` and its string-keyed fields.
///
/// Keys that are neither part of the sequence nor strings (`t[7]` after a hole, `t[true]`) are kept as
/// fields under their `tostring` text, since neither JSON nor the AlwaysOn model can express them.
public struct LuaTable: Sendable, Hashable {
    public var array: [LuaValue]
    public var fields: [String: LuaValue]

    public init(array: [LuaValue] = [], fields: [String: LuaValue] = [:]) {
        self.array = array
        self.fields = fields
    }

    public var isEmpty: Bool { array.isEmpty && fields.isEmpty }

    public subscript(key: String) -> LuaValue {
        get { fields[key] ?? .nil }
        set { fields[key] = newValue == .nil ? nil : newValue }
    }
}

extension LuaValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(nilLiteral: ()) { self = .nil }
    public init(arrayLiteral elements: LuaValue...) { self = .table(LuaTable(array: elements)) }
    public init(dictionaryLiteral elements: (String, LuaValue)...) {
        var fields: [String: LuaValue] = [:]
        for (key, value) in elements { fields[key] = value }
        self = .table(LuaTable(fields: fields))
    }
}
