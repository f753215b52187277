/// Walks a parsed document and collects every finding, so one run reports all problems.
public struct ConfigDecoder {
    public private(set) var findings: [ConfigFinding] = []
    /// Keys present in the file, by generic path (`auto_bind[].name`), with their first position.
    public private(set) var presentKeys: [String: SourcePosition] = [:]
    /// Secret-bearing keys present in the file (non-empty values), in file order.
    public private(set) var secrets: [ConfigSecretOccurrence] = []

    public init() {}

    public mutating func add(_ finding: ConfigFinding) {
        findings.append(finding)
    }

    public mutating func error(_ code: ConfigFinding.Code, _ path: ConfigPath, _ message: String, at node: JSONNode? = nil) {
        add(ConfigFinding(.error, code, path: path.description, message, at: node?.position))
    }

    public mutating func warning(_ code: ConfigFinding.Code, _ path: ConfigPath, _ message: String, at position: SourcePosition? = nil) {
        add(ConfigFinding(.warning, code, path: path.description, message, at: position))
    }

    /// `expected <what>, got <value>`; secrets are described by type only, never by value.
    mutating func typeMismatch(_ path: ConfigPath, expected: String, got node: JSONNode, secret: Bool = false) {
        let got = secret ? node.typeName : node.excerpt
        error(.type, path, "expected \(expected), got \(got)", at: node)
    }

    mutating func markPresent(_ path: ConfigPath, at position: SourcePosition) {
        let key = path.generic
        if presentKeys[key] == nil { presentKeys[key] = position }
    }

    mutating func recordSecret(_ path: ConfigPath, _ secret: ConfigSecret, at position: SourcePosition) {
        secrets.append(ConfigSecretOccurrence(path: path, secret: secret, position: position))
    }

    // MARK: - Scalar readers

    mutating func readBool(_ node: JSONNode, _ path: ConfigPath) -> Bool? {
        if case .bool(let flag) = node.value { return flag }
        typeMismatch(path, expected: "true or false", got: node)
        return nil
    }

    mutating func readInteger(_ node: JSONNode, _ path: ConfigPath, in range: ClosedRange<Int64>?, unit: String?) -> Int64? {
        let expected = Self.describeInteger(range, unit: unit)
        guard case .number(let number) = node.value else {
            typeMismatch(path, expected: expected, got: node)
            return nil
        }
        let value: Int64
        if let integer = number.integer {
            value = integer
        } else if let integral = Int64(exactly: number.double) {
            value = integral
        } else {
            typeMismatch(path, expected: expected, got: node)
            return nil
        }
        if let range, !range.contains(value) {
            error(.range, path, "expected \(expected), got \(number.text)", at: node)
            return nil
        }
        return value
    }

    mutating func readString(_ node: JSONNode, _ path: ConfigPath, secret: Bool = false) -> String? {
        if case .string(let text) = node.value { return text }
        typeMismatch(path, expected: "a string", got: node, secret: secret)
        return nil
    }

    static func describeInteger(_ range: ClosedRange<Int64>?, unit: String?) -> String {
        var text = "an integer"
        if let range {
            if range.upperBound == Int64.max {
                text += " ≥ \(range.lowerBound)"
            } else {
                text += " \(range.lowerBound)–\(range.upperBound)"
            }
        }
        if let unit { text += " (\(unit))" }
        return text
    }
}

/// Where a secret-bearing key was found, so callers can open sealed values and point at the key.
public struct ConfigSecretOccurrence: Sendable, Equatable {
    public var path: ConfigPath
    public var secret: ConfigSecret
    public var position: SourcePosition

    public var form: ConfigSecret.Form { secret.form }
}
