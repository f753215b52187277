public import OutpostConfig

extension LuaThing {
    /// Loads a thing entry of `config.lua`: its `p_data` is every scalar `scripts.<key>` global overlaid
    /// with the entry's own members (`ems-lsr.md` §4.1), plus `name` and `run`.
    public static func load(
        _ script: LuaScriptResourceConfig.Script,
        config: LuaScriptResourceConfig,
        options: LuaRuntime.Options
    ) async throws(LuaThingError) -> LuaThing {
        guard let template = script.template else {
            throw LuaThingError(status: 500, message: "thing \(script.name) has no template")
        }
        var pData = LuaTable()
        for (key, value) in config.scalarGlobals { pData[key] = LuaValue(value) }
        for (key, value) in script.members { pData[key] = LuaValue(value) }
        pData["scanRate"] = .integer(script.scanRate)
        pData["taskRate"] = .integer(script.taskRate)
        pData["scanRateResolution"] = .integer(script.scanRateResolution)
        pData["defaultPushType"] = .string(script.defaultPushType)
        return try await load(name: script.name, template: template, pData: pData, options: options)
    }
}

extension LuaValue {
    /// A config.lua value as a Lua value again.
    public init(_ value: LuaScriptResourceDocument.Value) {
        switch value {
        case .boolean(let flag): self = .boolean(flag)
        case .integer(let number): self = .integer(number)
        case .number(let number): self = .number(number)
        case .string(let text): self = .string(text)
        case .other(let name): self = .opaque(name)
        case .table(let table):
            var result = LuaTable(array: table.array.map { LuaValue($0) })
            for (key, member) in table.members { result.fields[key] = LuaValue(member) }
            self = .table(result)
        }
    }
}
