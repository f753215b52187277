/// One key of a `ConfigSection`: how to read it, how to describe it in the JSON Schema, and whether it
/// is required or secret. Built with the static factories below, one line per key.
public struct ConfigField<Model: ConfigSection> {
    public let key: String
    /// Other spellings accepted for the same key (`proto` for `protocol`, as `AddEdgeThing` writes it).
    public let aliases: [String]
    public let summary: String
    public let isRequired: Bool
    public let isSecret: Bool
    /// The schema fragment, given the section's defaults.
    let schema: (Model) -> [(String, JSONOutput)]
    let decode: (inout Model, JSONNode, ConfigPath, inout ConfigDecoder) -> Void
    /// Keys nested below this one (for sections), for the catalog.
    let children: (ConfigPath) -> [ConfigKeyInfo]
    /// Runs when the key is absent: a nested group still checks its defaults (so `http_server`
    /// missing entirely still reports that authentication needs a user).
    let whenAbsent: (inout Model, ConfigPath, JSONNode, inout ConfigDecoder) -> Void

    init(
        key: String, aliases: [String] = [], summary: String, isRequired: Bool = false, isSecret: Bool = false,
        schema: @escaping (Model) -> [(String, JSONOutput)],
        decode: @escaping (inout Model, JSONNode, ConfigPath, inout ConfigDecoder) -> Void,
        children: @escaping (ConfigPath) -> [ConfigKeyInfo] = { _ in [] },
        whenAbsent: @escaping (inout Model, ConfigPath, JSONNode, inout ConfigDecoder) -> Void = { _, _, _, _ in }
    ) {
        self.whenAbsent = whenAbsent
        self.key = key
        self.aliases = aliases
        self.summary = summary
        self.isRequired = isRequired
        self.isSecret = isSecret
        self.schema = schema
        self.decode = decode
        self.children = children
    }
}

/// A key as listed by the catalog (and `outpost validate --keys`).
public struct ConfigKeyInfo: Sendable, Equatable {
    /// Generic path: `auto_bind[].name`.
    public var path: String
    public var summary: String
    public var isRequired: Bool
    public var isSecret: Bool
}

// MARK: - Factories

extension ConfigField {
    public static func bool(_ key: String, _ keyPath: WritableKeyPath<Model, Bool>, _ summary: String) -> Self {
        ConfigField(
            key: key, summary: summary,
            schema: { defaults in [("type", .string("boolean")), ("default", .bool(defaults[keyPath: keyPath]))] },
            decode: { model, node, path, decoder in
                if let value = decoder.readBool(node, path) { model[keyPath: keyPath] = value }
            }
        )
    }

    public static func integer(
        _ key: String, _ keyPath: WritableKeyPath<Model, Int>, in range: ClosedRange<Int64>, unit: String? = nil,
        _ summary: String
    ) -> Self {
        ConfigField(
            key: key, summary: summary,
            schema: { defaults in
                var schema: [(String, JSONOutput)] = [("type", .string("integer")), ("minimum", .integer(range.lowerBound))]
                if range.upperBound != Int64.max { schema.append(("maximum", .integer(range.upperBound))) }
                schema.append(("default", .integer(Int64(defaults[keyPath: keyPath]))))
                return schema
            },
            decode: { model, node, path, decoder in
                if let value = decoder.readInteger(node, path, in: range, unit: unit) { model[keyPath: keyPath] = Int(value) }
            }
        )
    }

    /// An integer with no default (absent = nil), such as a port that is required by a check.
    public static func optionalInteger(
        _ key: String, _ keyPath: WritableKeyPath<Model, Int?>, in range: ClosedRange<Int64>, required: Bool = false,
        _ summary: String
    ) -> Self {
        ConfigField(
            key: key, summary: summary, isRequired: required,
            schema: { _ in
                var schema: [(String, JSONOutput)] = [("type", .string("integer")), ("minimum", .integer(range.lowerBound))]
                if range.upperBound != Int64.max { schema.append(("maximum", .integer(range.upperBound))) }
                return schema
            },
            decode: { model, node, path, decoder in
                if let value = decoder.readInteger(node, path, in: range, unit: nil) { model[keyPath: keyPath] = Int(value) }
            }
        )
    }

    public static func string(_ key: String, _ keyPath: WritableKeyPath<Model, String>, _ summary: String) -> Self {
        ConfigField(
            key: key, summary: summary,
            schema: { defaults in [("type", .string("string")), ("default", .string(defaults[keyPath: keyPath]))] },
            decode: { model, node, path, decoder in
                if let value = decoder.readString(node, path) { model[keyPath: keyPath] = value }
            }
        )
    }

    /// A string with no default; `null` is accepted as "not set".
    public static func optionalString(
        _ key: String, _ keyPath: WritableKeyPath<Model, String?>, required: Bool = false, _ summary: String
    ) -> Self {
        ConfigField(
            key: key, summary: summary, isRequired: required,
            schema: { _ in [("type", .array([.string("string"), .string("null")]))] },
            decode: { model, node, path, decoder in
                if case .null = node.value { model[keyPath: keyPath] = nil; return }
                if let value = decoder.readString(node, path) { model[keyPath: keyPath] = value }
            }
        )
    }

    /// A secret: plain text, `enc:v1:` sealed, or (refused later) `AES:` from the original EMS.
    public static func secret(
        _ key: String, _ keyPath: WritableKeyPath<Model, ConfigSecret?>, required: Bool = false, _ summary: String
    ) -> Self {
        ConfigField(
            key: key, summary: summary, isRequired: required, isSecret: true,
            schema: { _ in
                [
                    ("type", .string("string")),
                    ("description", .string(summary + " Plain text or an `enc:v1:` value from `outpost secret encrypt`.")),
                ]
            },
            decode: { model, node, path, decoder in
                guard let text = decoder.readString(node, path, secret: true) else { return }
                let secret = ConfigSecret(text)
                model[keyPath: keyPath] = secret
                if !secret.isEmpty { decoder.recordSecret(path, secret, at: node.position) }
            }
        )
    }

    /// One of a fixed set of words, matched case-insensitively (EMS files write `INFO` and `info`).
    public static func choice<Choice: RawRepresentable & CaseIterable & Sendable>(
        _ key: String, _ keyPath: WritableKeyPath<Model, Choice>, _ summary: String,
        unknownIsWarning: Bool = false
    ) -> Self where Choice.RawValue == String {
        let names = Choice.allCases.map(\.rawValue)
        return ConfigField(
            key: key, summary: summary,
            schema: { defaults in
                [("type", .string("string")), ("enum", .array(names.map { .string($0) })), ("default", .string(defaults[keyPath: keyPath].rawValue))]
            },
            decode: { model, node, path, decoder in
                let expected = "one of " + names.map { "\"\($0)\"" }.joined(separator: ", ")
                guard case .string(let text) = node.value else {
                    decoder.typeMismatch(path, expected: expected, got: node)
                    return
                }
                guard let match = Choice.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
                    if unknownIsWarning {
                        decoder.warning(.range, path, "expected \(expected), got \(node.excerpt); using \"\(model[keyPath: keyPath].rawValue)\"", at: node.position)
                    } else {
                        decoder.error(.range, path, "expected \(expected), got \(node.excerpt)", at: node)
                    }
                    return
                }
                model[keyPath: keyPath] = match
            }
        )
    }

    /// A path or list of paths: `"a.pem"` or `["a.pem", "b.pem"]` (as `certificates.cert_chain` allows).
    public static func stringList(_ key: String, _ keyPath: WritableKeyPath<Model, [String]>, _ summary: String) -> Self {
        ConfigField(
            key: key, summary: summary,
            schema: { _ in
                [("oneOf", .array([
                    .object([("type", .string("string"))]),
                    .object([("type", .string("array")), ("items", .object([("type", .string("string"))]))]),
                ]))]
            },
            decode: { model, node, path, decoder in
                switch node.value {
                case .string(let single):
                    model[keyPath: keyPath] = [single]
                case .array(let items):
                    var values: [String] = []
                    for (index, item) in items.enumerated() {
                        if let text = decoder.readString(item, path.appending(index: index)) { values.append(text) }
                    }
                    model[keyPath: keyPath] = values
                default:
                    decoder.typeMismatch(path, expected: "a string or an array of strings", got: node)
                }
            }
        )
    }

    /// A nested group that always exists (absent = all defaults).
    public static func section<Section: ConfigSection>(
        _ key: String, _ keyPath: WritableKeyPath<Model, Section>, _ summary: String
    ) -> Self {
        ConfigField(
            key: key, summary: summary,
            schema: { _ in Section.schemaMembers(summary: summary) },
            decode: { model, node, path, decoder in
                if let value = Section.decode(node, at: path, decoder: &decoder) { model[keyPath: keyPath] = value }
            },
            children: { path in Section.catalog(at: path) },
            whenAbsent: { model, path, parent, decoder in
                model[keyPath: keyPath].check(at: path, node: parent, decoder: &decoder)
            }
        )
    }

    /// A nested group whose absence means something (`proxy` absent = direct connection).
    public static func optionalSection<Section: ConfigSection>(
        _ key: String, _ keyPath: WritableKeyPath<Model, Section?>, _ summary: String
    ) -> Self {
        ConfigField(
            key: key, summary: summary,
            schema: { _ in Section.schemaMembers(summary: summary) },
            decode: { model, node, path, decoder in
                if case .null = node.value { model[keyPath: keyPath] = nil; return }
                if let value = Section.decode(node, at: path, decoder: &decoder) { model[keyPath: keyPath] = value }
            },
            children: { path in Section.catalog(at: path) }
        )
    }

    /// An array of groups (`ws_servers`, `auto_bind`).
    public static func sectionArray<Section: ConfigSection>(
        _ key: String, _ keyPath: WritableKeyPath<Model, [Section]>, required: Bool = false, minimumCount: Int = 0,
        _ summary: String
    ) -> Self {
        ConfigField(
            key: key, summary: summary, isRequired: required,
            schema: { _ in
                var schema: [(String, JSONOutput)] = [
                    ("type", .string("array")),
                    ("description", .string(summary)),
                    ("items", .object(Section.schemaMembers(summary: Section.summary))),
                ]
                if minimumCount > 0 { schema.append(("minItems", .integer(Int64(minimumCount)))) }
                return schema
            },
            decode: { model, node, path, decoder in
                guard case .array(let items) = node.value else {
                    if case .object = node.value {
                        decoder.error(.type, path, "must be an array of objects, got a single object; wrap it in [ … ]", at: node)
                    } else {
                        decoder.typeMismatch(path, expected: "an array [ {…}, … ] of objects", got: node)
                    }
                    return
                }
                var values: [Section] = []
                for (index, item) in items.enumerated() {
                    if let value = Section.decode(item, at: path.appending(index: index), decoder: &decoder) { values.append(value) }
                }
                if items.count < minimumCount {
                    decoder.error(.missing, path, "expected at least \(minimumCount) entr\(minimumCount == 1 ? "y" : "ies"), got an empty array", at: node)
                }
                model[keyPath: keyPath] = values
            },
            children: { path in Section.catalog(at: path.appending(index: 0)) }
        )
    }

    /// Adds alternative spellings to a field.
    public func aliased(_ names: String...) -> Self {
        ConfigField(
            key: key, aliases: aliases + names, summary: summary, isRequired: isRequired, isSecret: isSecret,
            schema: schema, decode: decode, children: children, whenAbsent: whenAbsent
        )
    }
}
