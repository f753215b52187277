extension LuaScriptResourceConfig {
    /// Judges an evaluated `config.lua`: types and ranges of every known key (with the original's string
    /// booleans and numbers), unknown keys with a did-you-mean suggestion, the §4.3 rate checks, the
    /// insecure settings of §5.6 and plain-text or `AES:` secrets. Findings come in file order.
    public static func load(_ document: LuaScriptResourceDocument) -> ConfigLoadResult<LuaScriptResourceConfig> {
        var reader = LuaScriptResourceReader()
        reader.findings = document.findings
        var config = LuaScriptResourceConfig()
        var presentKeys: [String: SourcePosition] = [:]

        // The last assignment of a key wins, as in Lua.
        var latest: [String: LuaScriptResourceDocument.Assignment] = [:]
        var order: [String] = []
        for assignment in document.assignments {
            if latest[assignment.key] == nil { order.append(assignment.key) }
            latest[assignment.key] = assignment
        }
        for key in order {
            let assignment = latest[key]!
            presentKeys[key] = assignment.position
            if case .table(let table) = assignment.value {
                if let script = reader.script(named: key, table, assignment: assignment) {
                    config.scripts.append(script)
                }
                continue
            }
            config.scalarGlobals.append((key, assignment.value))
            reader.global(key, assignment.value, at: assignment.position, into: &config)
        }
        for stray in document.strayGlobals {
            let suggestion = EditDistance.suggestion(for: stray.key, among: globalKeys)
            let hint = suggestion.map { "; did you mean scripts.\($0)?" } ?? "; settings are written scripts.<key> = value"
            reader.add(.warning, .unknownKey, stray.key, "global variable is not a setting and is ignored\(hint)", stray.position)
        }
        if config.scriptResource.certificateChain == nil && config.scriptResource.tlsDirectory == nil
            || latest["script_resource_use_default_certificate"] != nil
        {
            // keep the explicit value or the default (true)
        } else {
            config.scriptResource.useDefaultCertificate = false
        }
        // A file that did not evaluate to the end is incomplete: checks across keys would only add noise.
        if !document.findings.hasErrors {
            reader.crossChecks(config, presentKeys: presentKeys)
        }
        var result = ConfigLoadResult<LuaScriptResourceConfig>(
            config: reader.findings.hasErrors ? nil : config,
            findings: reader.findings.inFileOrder, presentKeys: presentKeys)
        result.secrets = reader.secrets
        if result.config == nil { result.config = config }
        return result
    }
}
