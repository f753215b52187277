extension ConfigSection {
    /// The JSON Schema (draft 2020-12) members describing this group as an object.
    static func schemaMembers(summary: String) -> [(String, JSONOutput)] {
        let defaults = Self()
        var properties: [(String, JSONOutput)] = []
        for field in fields {
            var fragment = field.schema(defaults)
            if !fragment.contains(where: { $0.0 == "description" }) {
                fragment.insert(("description", .string(field.summary)), at: 0)
            }
            properties.append((field.key, .object(fragment)))
            for alias in field.aliases {
                properties.append((alias, .object([("description", .string("Alias of \"\(field.key)\"."))] + fragment.filter { $0.0 != "description" })))
            }
        }
        var members: [(String, JSONOutput)] = [
            ("type", .string("object")),
            ("description", .string(summary)),
            ("properties", .object(properties)),
        ]
        let required = fields.filter(\.isRequired).map { JSONOutput.string($0.key) }
        if !required.isEmpty { members.append(("required", .array(required))) }
        // Unknown keys are only warnings for the loader, but an editor should flag them as typos.
        members.append(("additionalProperties", .bool(false)))
        return members
    }

    /// Every key of this group and below, by generic path.
    static func catalog(at path: ConfigPath) -> [ConfigKeyInfo] {
        var keys: [ConfigKeyInfo] = []
        for field in fields {
            let fieldPath = path.appending(field.key)
            keys.append(ConfigKeyInfo(path: fieldPath.generic, summary: field.summary, isRequired: field.isRequired, isSecret: field.isSecret))
            keys.append(contentsOf: field.children(fieldPath))
        }
        return keys
    }
}
