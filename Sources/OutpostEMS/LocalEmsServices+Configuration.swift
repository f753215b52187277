import HTTPTypes
import Logging
import OutpostWire

/// The LocalEms services that change `config.json`: persisted bindings and configuration updates.
/// They write the file for the next start; the running EMS keeps the configuration it loaded
/// (GetConfiguration shows that one), as in the original.
extension LocalEmsServices {
    /// `UpdateConfiguration` (`replace:false` merges objects key by key, `true` replaces the file) and
    /// `ReplaceConfiguration`. `config` is a JSON object or a string holding one.
    func updateConfiguration(_ parameters: JSONObject, replace: Bool) throws(EMSError) -> InfoTable? {
        let file = try requireConfigFile("UpdateConfiguration")
        let config: JSONValue
        switch parameters["config"] {
        case .object(let object)?:
            config = .object(object)
        case .string(let text)?:
            do {
                config = try JSONValue(parsing: Array(text.utf8))
            } catch {
                throw .badRequest("Error parsing config JSON: \(error.description)")
            }
        case nil, .null?:
            throw .badRequest("The input parameter 'config' is required.")
        default:
            throw .badRequest("Error parsing config JSON: 'config' must be a JSON object or a string holding one")
        }
        guard case .object = config else { throw .badRequest("Error parsing config JSON: the configuration must be a JSON object") }
        if replace {
            try file.replace(with: config)
        } else {
            try file.update { current throws(EMSError) in Self.merged(current, with: config) }
        }
        logger.notice(
            replace ? "configuration replaced; it takes effect at the next start" : "configuration updated; it takes effect at the next start",
            metadata: ["outpost.ems.config": "\(file.path)"])
        return nil
    }

    /// Objects merge member by member; anything else in `change` replaces what is there.
    static func merged(_ base: JSONValue, with change: JSONValue) -> JSONValue {
        guard case .object(var result) = base, case .object(let changes) = change else { return change }
        for member in changes {
            result[member.key] = result[member.key].map { merged($0, with: member.value) } ?? member.value
        }
        return .object(result)
    }

    /// AddEdgeThing `persist:true`: the binding is written into `auto_bind` (replacing an entry of the
    /// same name) so it is bound again at the next start.
    func persist(_ binding: EdgeBinding, password: String?) throws(EMSError) {
        let file = try requireConfigFile("AddEdgeThing persist:true")
        var entry = JSONObject()
        entry.append("name", .string(binding.name))
        if let host = binding.host { entry.append("host", .string(host)) }
        entry.append("port", .integer(Int64(binding.port)))
        entry.append("path", .string(binding.path))
        entry.append("protocol", .string(binding.scheme.rawValue))
        entry.append("timeout", .integer(Int64(binding.timeout.components.seconds * 1000 + binding.timeout.components.attoseconds / 1_000_000_000_000_000)))
        if let user = binding.user { entry.append("user", .string(user)) }
        if let password, !password.isEmpty { entry.append("password", .string(password)) }
        if binding.gateway { entry.append("gateway", .bool(true)) }
        if !binding.certChain.isEmpty { entry.append("cert_chain", .array(binding.certChain.map { .string($0) })) }
        try file.update { current throws(EMSError) in
            guard case .object(var config) = current else { return current }
            var list: [JSONValue] = []
            if case .array(let existing)? = config["auto_bind"] { list = existing }
            list.removeAll { $0["name"]?.stringValue == binding.name }
            list.append(.object(entry))
            config["auto_bind"] = .array(list)
            return .object(config)
        }
        logger.info("Persisting binding", metadata: ["outpost.ems.thing": "\(binding.name)", "outpost.ems.config": "\(file.path)"])
    }

    /// RemoveEdgeThing: drops the name from a persisted `auto_bind`, if it is there.
    func unpersist(_ name: String) throws(EMSError) {
        guard let file = configFile else { return }
        var removed = false
        try file.update { current throws(EMSError) in
            guard case .object(var config) = current, case .array(var list)? = config["auto_bind"] else { return current }
            let before = list.count
            list.removeAll { $0["name"]?.stringValue == name }
            removed = list.count != before
            config["auto_bind"] = .array(list)
            return .object(config)
        }
        if removed {
            logger.info("binding removed from the config file", metadata: ["outpost.ems.thing": "\(name)", "outpost.ems.config": "\(file.path)"])
        }
    }

    private func requireConfigFile(_ what: String) throws(EMSError) -> ConfigFileEditor {
        guard let configFile else {
            throw EMSError(.conflict, "\(what) needs the EMS to know its config file; this EMS was started without one")
        }
        return configFile
    }

    /// GetLogData: Outpost keeps no log files (it logs to standard error for the service manager), so
    /// the answer is the `logEntry` shape with no rows, as the original answers without a log file.
    static let emptyLog = InfoTable(
        fields: [
            FieldDefinition(name: "timestamp", baseType: .datetime),
            FieldDefinition(name: "level", baseType: .string),
            FieldDefinition(name: "origin", baseType: .string),
            FieldDefinition(name: "content", baseType: .string),
            FieldDefinition(name: "instance", baseType: .string),
            FieldDefinition(name: "session", baseType: .string),
            FieldDefinition(name: "thread", baseType: .string),
            FieldDefinition(name: "user", baseType: .string),
        ], rows: [])
}
