extension EMSConfig {
    /// Reads `config.json` bytes. Never throws: syntax errors, type errors, unknown keys and insecure
    /// settings all come back as findings, so one run reports everything.
    ///
    /// - Parameter notYetUsed: add a note for each present key Outpost does not act on yet.
    public static func load(_ bytes: [UInt8], notYetUsed: Bool = true) -> ConfigLoadResult<EMSConfig> {
        let document: JSONNode
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            return ConfigLoadResult(
                config: nil,
                findings: [ConfigFinding(.error, .syntax, path: "", error.message, at: error.position)],
                presentKeys: [:]
            )
        }
        guard case .object = document.value else {
            return ConfigLoadResult(
                config: nil,
                findings: [ConfigFinding(.error, .type, path: "", "the top level must be a JSON object { … }, got \(document.typeName)", at: document.position)],
                presentKeys: [:]
            )
        }
        var decoder = ConfigDecoder()
        let config = EMSConfig.decode(document, at: .root, decoder: &decoder) ?? EMSConfig()
        var findings = decoder.findings
        findings += config.securityFindings(secrets: decoder.secrets, presentKeys: decoder.presentKeys)
        if notYetUsed {
            findings += Self.notYetUsedFindings(presentKeys: decoder.presentKeys)
        }
        return ConfigLoadResult(config: config, findings: findings.inFileOrder, presentKeys: decoder.presentKeys, secrets: decoder.secrets)
    }

    public static func load(_ text: String, notYetUsed: Bool = true) -> ConfigLoadResult<EMSConfig> {
        load(Array(text.utf8), notYetUsed: notYetUsed)
    }

    /// Every key of the model, by generic path.
    public static var catalog: [ConfigKeyInfo] { catalog(at: .root) }

    static func notYetUsedFindings(presentKeys: [String: SourcePosition]) -> [ConfigFinding] {
        let leafKeys = Set(catalog.map(\.path))
        var findings: [ConfigFinding] = []
        for (path, position) in presentKeys where !ConfigKeyUsage.isUsed(path) {
            // Report leaves only: a group is "used" exactly when its keys are.
            let isGroup = leafKeys.contains { $0.hasPrefix(path + ".") || $0.hasPrefix(path + "[].") }
            if isGroup { continue }
            findings.append(ConfigFinding(.note, .notYetUsed, path: path, "accepted, not yet used", at: position))
        }
        return findings
    }
}
