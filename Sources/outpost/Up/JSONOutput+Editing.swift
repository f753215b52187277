import OutpostConfig

/// Editing a parsed config while keeping its key order, so an effective config reads like the
/// repository file it comes from.
extension JSONOutput {
    /// The same document, members in source order, numbers as written.
    init(_ node: JSONNode) {
        switch node.value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .number(let number): self = number.integer.map { .integer($0) } ?? .double(number.double)
        case .string(let text): self = .string(text)
        case .array(let items): self = .array(items.map(JSONOutput.init))
        case .object(let members): self = .object(members.map { ($0.key, JSONOutput($0.value)) })
        }
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var integerValue: Int? {
        if case .integer(let value) = self { return Int(exactly: value) }
        return nil
    }

    /// The value at `path`: object keys, or decimal indexes into arrays.
    subscript(path: [String]) -> JSONOutput? {
        guard let first = path.first else { return self }
        let rest = Array(path.dropFirst())
        switch self {
        case .object(let members): return members.first { $0.0 == first }?.1[rest]
        case .array(let items):
            guard let index = Int(first), items.indices.contains(index) else { return nil }
            return items[index][rest]
        default: return nil
        }
    }

    /// Sets the value at `path`, adding missing object members (at the end) on the way.
    mutating func set(_ path: [String], _ value: JSONOutput) {
        guard let first = path.first else {
            self = value
            return
        }
        let rest = Array(path.dropFirst())
        switch self {
        case .object(var members):
            if let index = members.firstIndex(where: { $0.0 == first }) {
                members[index].1.set(rest, value)
            } else {
                var child = JSONOutput.object([])
                child.set(rest, value)
                members.append((first, child))
            }
            self = .object(members)
        case .array(var items):
            guard let index = Int(first), items.indices.contains(index) else { return }
            items[index].set(rest, value)
            self = .array(items)
        default:
            var child = JSONOutput.object([])
            child.set(path, value)
            self = child
        }
    }

    /// Rewrites the string (or every string of the list) at `path` with `transform`; absent keys stay absent.
    mutating func mapStrings(_ path: [String], _ transform: (String) -> String) {
        switch self[path] {
        case .string(let text): set(path, .string(transform(text)))
        case .array(let items):
            set(path, .array(items.map { item in item.stringValue.map { .string(transform($0)) } ?? item }))
        default: break
        }
    }
}
