extension LuaScriptResourceReader {
    /// One `scripts.<Name> = { … }` entry (§4.3), checked at the path `<Name>.<key>`.
    mutating func script(named name: String, _ table: LuaScriptResourceDocument.Table, assignment: LuaScriptResourceDocument.Assignment) -> LuaScriptResourceConfig.Script? {
        func position(_ key: String) -> SourcePosition? { assignment.memberPositions[key] ?? assignment.position }
        guard let fileValue = table["file"] else {
            add(.error, .missing, name, "script entry has no file; things use file = \"thing.lua\" with a template", assignment.position)
            return nil
        }
        guard let file = string("\(name).file", fileValue, position("file")) else { return nil }
        var script = LuaScriptResourceConfig.Script(name: name, file: file)
        script.members = table.members
        var scanRateKey = "scanRate"
        for (key, value) in table.members {
            let path = "\(name).\(key)"
            let at = position(key)
            switch key {
            case "file": break
            case "template": script.template = string(path, value, at)
            case "scanRate", "updateRate":
                if key == "updateRate", table["scanRate"] != nil { continue }
                scanRateKey = key
                script.scanRate = integer(path, value, at, Self.positive, unit: "milliseconds") ?? script.scanRate
            case "taskRate": script.taskRate = integer(path, value, at, Self.positive, unit: "milliseconds") ?? script.taskRate
            case "scanRateResolution":
                script.scanRateResolution = integer(path, value, at, Self.positive, unit: "milliseconds") ?? script.scanRateResolution
            case "keepAliveRate": script.keepAliveRate = integer(path, value, at, Self.positive, unit: "milliseconds") ?? script.keepAliveRate
            case "requestTimeout": script.requestTimeout = integer(path, value, at, Self.positive, unit: "milliseconds") ?? script.requestTimeout
            case "registerRate": script.registerRate = integer(path, value, at, Self.positive, unit: "milliseconds") ?? script.registerRate
            case "register": script.register = bool(path, value, at) ?? script.register
            case "identifier": script.identifier = string(path, value, at)
            case "maxConcurrentPropertyUpdates":
                script.maxConcurrentPropertyUpdates = integer(path, value, at, Self.positive) ?? script.maxConcurrentPropertyUpdates
            case "getPropertySubscriptionsOnReconnect":
                script.getPropertySubscriptionsOnReconnect = bool(path, value, at) ?? script.getPropertySubscriptionsOnReconnect
            case "useShapes": script.useShapes = bool(path, value, at) ?? script.useShapes
            case "defaultPushType": script.defaultPushType = choice(path, value, at, ["ALWAYS", "VALUE", "NEVER"]) ?? script.defaultPushType
            case "content": _ = string(path, value, at)
            case "max_run_time", "http_timeout": _ = integer(path, value, at, Self.positive)
            default:
                // Any other key is the template's (p_data.<key>); only a near-miss of a known key is worth a word.
                let candidates = LuaScriptResourceConfig.entryKeys.filter { $0 != key }
                if let suggestion = EditDistance.suggestion(for: key, among: candidates) {
                    add(.warning, .unknownKey, path, "not a thing setting, passed to the template as p_data.\(key); did you mean \"\(suggestion)\"?", at)
                }
            }
        }
        if script.isThing {
            if script.template == nil, table["template"] == nil {
                add(.error, .missing, "\(name).template", "a thing (file = \"thing.lua\") needs template = \"<name>\", the file scripts/templates/<name>.lua", assignment.position)
            }
            let resolution = script.scanRateResolution
            if script.scanRate <= resolution {
                add(.error, .range, "\(name).\(scanRateKey)",
                    "Global scanRate must be greater than scanRateResolution. Current values: scanRate = \(script.scanRate), scanRateResolution = \(resolution)",
                    position(scanRateKey))
            }
            if script.taskRate <= resolution {
                add(.error, .range, "\(name).taskRate",
                    "Global taskRate must be greater than scanRateResolution. Current values: taskRate = \(script.taskRate), scanRateResolution = \(resolution)",
                    position("taskRate"))
            }
        }
        return script
    }
}
