/// Reads `config.lua` values into the model, collecting findings instead of stopping at the first one.
struct LuaScriptResourceReader {
    typealias Value = LuaScriptResourceDocument.Value

    var findings: [ConfigFinding] = []
    var secrets: [ConfigSecretOccurrence] = []

    mutating func add(_ severity: ConfigFinding.Severity, _ code: ConfigFinding.Code, _ path: String, _ message: String, _ position: SourcePosition?) {
        findings.append(ConfigFinding(severity, code, path: path, message, at: position))
    }

    // MARK: Typed readers

    /// true/false, or the strings "true"/"false" (any case) the original's examples use.
    mutating func bool(_ path: String, _ value: Value, _ position: SourcePosition?) -> Bool? {
        switch value {
        case .boolean(let flag): return flag
        case .string(let text) where text.lowercased() == "true": return true
        case .string(let text) where text.lowercased() == "false": return false
        default:
            add(.error, .type, path, "expected true or false (a boolean or the string \"true\"/\"false\"), got \(value.kindDescription)", position)
            return nil
        }
    }

    /// An integer, an integral number, or a string holding one ("8001").
    mutating func integer(_ path: String, _ value: Value, _ position: SourcePosition?, _ range: ClosedRange<Int64>, unit: String? = nil) -> Int64? {
        var number: Int64?
        switch value {
        case .integer(let integer): number = integer
        case .number(let double): number = double.rounded() == double ? Int64(exactly: double) : nil
        case .string(let text): number = Int64(String(text.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()))
        default: number = nil
        }
        let expected = "expected an integer \(Self.describe(range))\(unit.map { " (\($0))" } ?? "")"
        guard let number else {
            add(.error, .type, path, "\(expected), got \(value.kindDescription)", position)
            return nil
        }
        guard range.contains(number) else {
            add(.error, .range, path, "\(expected), got \(number)", position)
            return nil
        }
        return number
    }

    mutating func string(_ path: String, _ value: Value, _ position: SourcePosition?) -> String? {
        switch value {
        case .string(let text): return text
        case .integer(let number): return String(number)
        default:
            add(.error, .type, path, "expected a string, got \(value.kindDescription)", position)
            return nil
        }
    }

    mutating func secret(_ path: String, _ value: Value, _ position: SourcePosition?) -> ConfigSecret? {
        guard case .string(let text) = value else {
            add(.error, .type, path, "expected a string (plain or enc:v1: sealed), got \(value.kindDescription)", position)
            return nil
        }
        let secret = ConfigSecret(text)
        secrets.append(ConfigSecretOccurrence(path: ConfigPath([.key(path)]), secret: secret, position: position ?? SourcePosition(line: 1, column: 1)))
        return secret
    }

    mutating func choice(_ path: String, _ value: Value, _ position: SourcePosition?, _ choices: [String]) -> String? {
        guard case .string(let text) = value else {
            add(.error, .type, path, "expected one of \(choices.joined(separator: ", ")), got \(value.kindDescription)", position)
            return nil
        }
        guard let match = choices.first(where: { $0.lowercased() == text.lowercased() }) else {
            add(.error, .invalid, path, "expected one of \(choices.joined(separator: ", ")), got \(value.kindDescription)", position)
            return nil
        }
        return match
    }

    static func describe(_ range: ClosedRange<Int64>) -> String {
        if range.upperBound == Int64.max { return range.lowerBound == 0 ? "≥ 0" : "≥ \(range.lowerBound)" }
        return "\(range.lowerBound)–\(range.upperBound)"
    }

    static let positive: ClosedRange<Int64> = 1...Int64.max
    static let port: ClosedRange<Int64> = 1...65_535
    static let uint32: ClosedRange<Int64> = 0...Int64(UInt32.max)
}
