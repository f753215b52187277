public import OutpostWire

extension LuaValue {
    /// Converts JSON to Lua: objects become tables with string keys, arrays sequences, `null` nil (so a
    /// `null` member is simply absent, as with the original's JSON library), integers stay integers.
    public init(json: JSONValue) {
        switch json {
        case .null: self = .nil
        case .bool(let value): self = .boolean(value)
        case .integer(let value): self = .integer(value)
        case .number(let value): self = .number(value)
        case .string(let text): self = .string(text)
        case .array(let items): self = .table(LuaTable(array: items.map { LuaValue(json: $0) }))
        case .object(let object):
            var table = LuaTable()
            for member in object where table.fields[member.key] == nil {
                let value = LuaValue(json: member.value)
                if value != .nil { table.fields[member.key] = value }
            }
            self = .table(table)
        }
    }

    /// Converts Lua to JSON: a table with only a sequence part is an array, any other table an object
    /// (keys sorted, sequence items under `"1"`, `"2"`, …), and an empty table `{}`, as the original's
    /// `tw_utils.encodeData` does. Integral floats stay floats. Non-UTF-8 strings and opaque values
    /// have no JSON form and throw.
    public func json() throws(LuaError) -> JSONValue {
        try json(depth: 0)
    }

    private func json(depth: Int) throws(LuaError) -> JSONValue {
        guard depth < LuaValue.maximumDepth else { throw LuaError.conversion("value is nested more than \(LuaValue.maximumDepth) levels deep (a cycle?)") }
        switch self {
        case .nil: return .null
        case .boolean(let value): return .bool(value)
        case .integer(let value): return .integer(value)
        case .number(let value):
            guard value.isFinite else { throw LuaError.conversion("\(value) has no JSON form") }
            return .number(value)
        case .string(let text): return .string(text)
        case .bytes(let bytes): throw LuaError.conversion("a string of \(bytes.count) bytes is not UTF-8 and has no JSON form; base64-encode it")
        case .opaque(let name): throw LuaError.conversion("a \(name) has no JSON form")
        case .table(let table):
            if table.fields.isEmpty && !table.array.isEmpty {
                var items: [JSONValue] = []
                for item in table.array { items.append(try item.json(depth: depth + 1)) }
                return .array(items)
            }
            var object = JSONObject()
            for (index, item) in table.array.enumerated() {
                object.append(String(index + 1), try item.json(depth: depth + 1))
            }
            for key in table.fields.keys.sorted() {
                object.append(key, try table.fields[key]!.json(depth: depth + 1))
            }
            return .object(object)
        }
    }

    /// Deepest nesting converted; deeper values are refused (Lua tables can be cyclic).
    static let maximumDepth = 64
}
