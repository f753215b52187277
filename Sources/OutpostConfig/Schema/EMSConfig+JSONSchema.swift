extension EMSConfig {
    /// Where the committed schema lives in the repository.
    public static let schemaFileName = "config.schema.json"

    /// The JSON Schema (draft 2020-12) of config.json, generated from the model so the two cannot
    /// disagree; a test compares it with the committed `config.schema.json`.
    public static func jsonSchema() -> String {
        let members: [(String, JSONOutput)] = [
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("$id", .string("https://outpost.invalid/schema/config.schema.json")),
            ("title", .string("Outpost EMS config.json")),
        ] + schemaMembers(summary: summary)
        return JSONOutput.object(members).rendered(pretty: true) + "\n"
    }
}
