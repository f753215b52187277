/// A JSON value together with where it was found in the source text.
///
/// The config layer keeps positions so that every finding can point at `file:line:column`, which is
/// what an operator editing `config.json` over SSH needs; Foundation's `JSONSerialization` drops them.
public struct JSONNode: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case null
        case bool(Bool)
        /// The number's source text is kept so integers never round-trip through `Double`.
        case number(JSONNumber)
        case string(String)
        case array([JSONNode])
        /// Members in source order; duplicate keys are kept here and reported by the decoder.
        case object([Member])
    }

    public struct Member: Sendable, Equatable {
        public var key: String
        public var keyPosition: SourcePosition
        public var value: JSONNode
    }

    public var value: Value
    public var position: SourcePosition

    public init(_ value: Value, at position: SourcePosition) {
        self.value = value
        self.position = position
    }
}

/// A JSON number as written. `integer` is set when the text is an integer that fits `Int64`.
public struct JSONNumber: Sendable, Equatable, CustomStringConvertible {
    public var text: String
    public var integer: Int64?
    public var double: Double

    public var description: String { text }
}

/// 1-based line and column of a token (columns count Unicode scalars).
public struct SourcePosition: Sendable, Equatable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    public var description: String { "\(line):\(column)" }
}

extension JSONNode {
    /// A short rendering of the value for messages such as `got "80a"`. Long values are cut so that a
    /// misplaced secret or blob never floods a log line.
    public var excerpt: String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return number.text
        case .string(let text):
            let cut = text.count > 40 ? String(text.prefix(37)) + "..." : text
            return "\"" + cut + "\""
        case .array(let items): return "an array of \(items.count)"
        case .object: return "an object"
        }
    }

    /// The JSON type name, as used in "expected …, got …" messages.
    public var typeName: String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
