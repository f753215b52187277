/// A JSON value with ordered object members, for output that must be stable byte for byte
/// (the committed JSON Schema, `validate --json`).
public indirect enum JSONOutput: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONOutput])
    case object([(String, JSONOutput)])

    public static func == (lhs: JSONOutput, rhs: JSONOutput) -> Bool {
        lhs.rendered(pretty: false) == rhs.rendered(pretty: false)
    }

    /// Renders as JSON text; `pretty` uses two-space indentation and a trailing newline-free layout.
    public func rendered(pretty: Bool = true) -> String {
        var out = ""
        write(into: &out, indent: 0, pretty: pretty)
        return out
    }

    private func write(into out: inout String, indent: Int, pretty: Bool) {
        switch self {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .integer(let value): out += String(value)
        case .double(let value):
            if let integral = Int64(exactly: value) { out += String(integral) } else { out += "\(value)" }
        case .string(let text): Self.writeString(text, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            let scalarsOnly = items.allSatisfy { if case .object = $0 { return false }; if case .array = $0 { return false }; return true }
            out += "["
            for (offset, item) in items.enumerated() {
                if offset > 0 { out += pretty && scalarsOnly ? ", " : "," }
                if pretty && !scalarsOnly { out += "\n" + String(repeating: "  ", count: indent + 1) }
                item.write(into: &out, indent: indent + 1, pretty: pretty)
            }
            if pretty && !scalarsOnly { out += "\n" + String(repeating: "  ", count: indent) }
            out += "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (offset, member) in members.enumerated() {
                if offset > 0 { out += "," }
                if pretty { out += "\n" + String(repeating: "  ", count: indent + 1) }
                Self.writeString(member.0, into: &out)
                out += pretty ? ": " : ":"
                member.1.write(into: &out, indent: indent + 1, pretty: pretty)
            }
            if pretty { out += "\n" + String(repeating: "  ", count: indent) }
            out += "}"
        }
    }

    private static func writeString(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
