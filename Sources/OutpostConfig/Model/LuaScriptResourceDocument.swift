/// What evaluating a `config.lua` produced, before any checking: every `scripts.<key> = value`
/// assignment with its position, plus globals assigned outside `scripts` and evaluation errors.
///
/// It is built by the Lua side (`OutpostLua`), so this module stays free of Lua: the config layer only
/// sees plain values and judges them with the same findings as config.json.
public struct LuaScriptResourceDocument: Sendable, Equatable {
    /// A Lua value as far as a config file can hold one.
    public indirect enum Value: Sendable, Equatable {
        case boolean(Bool)
        case integer(Int64)
        case number(Double)
        case string(String)
        case table(Table)
        /// A function, userdata or thread: kept only by type name, to say it is not a setting.
        case other(String)

        /// `string "abc"`, `number 3`, `boolean true`, `table`, … for messages.
        public var kindDescription: String {
            switch self {
            case .boolean(let value): return "boolean \(value)"
            case .integer(let value): return "number \(value)"
            case .number(let value): return "number \(value)"
            case .string(let text): return "\"\(text.count > 40 ? String(text.prefix(40)) + "…" : text)\""
            case .table: return "a table"
            case .other(let name): return "a \(name)"
            }
        }
    }

    /// A table: its sequence part and its string-keyed members (in source order when known).
    public struct Table: Sendable, Equatable {
        public var array: [Value]
        public var members: [(key: String, value: Value)]

        public init(array: [Value] = [], members: [(key: String, value: Value)] = []) {
            self.array = array
            self.members = members
        }

        public subscript(key: String) -> Value? {
            members.first { $0.key == key }?.value
        }

        public static func == (lhs: Table, rhs: Table) -> Bool {
            lhs.array == rhs.array && lhs.members.map(\.key) == rhs.members.map(\.key)
                && lhs.members.map(\.value) == rhs.members.map(\.value)
        }
    }

    /// One `scripts.<key> = value` (the last one wins when a key is assigned twice).
    public struct Assignment: Sendable, Equatable {
        public var key: String
        public var value: Value
        public var position: SourcePosition?
        /// For a table value: where each member key appears in the file.
        public var memberPositions: [String: SourcePosition]

        public init(key: String, value: Value, position: SourcePosition?, memberPositions: [String: SourcePosition] = [:]) {
            self.key = key
            self.value = value
            self.position = position
            self.memberPositions = memberPositions
        }
    }

    /// `scripts.<key>` assignments in file order.
    public var assignments: [Assignment]
    /// Globals other than `scripts` the file assigned (`rap_host = "x"` without `scripts.`): ignored.
    public var strayGlobals: [Assignment]
    /// Problems found while evaluating (syntax errors, runtime errors, limits), with their line.
    public var findings: [ConfigFinding]

    public init(assignments: [Assignment] = [], strayGlobals: [Assignment] = [], findings: [ConfigFinding] = []) {
        self.assignments = assignments
        self.strayGlobals = strayGlobals
        self.findings = findings
    }
}
