extension LuaScriptResourceReader {
    /// One scalar `scripts.<key>` setting (§4.2).
    mutating func global(_ key: String, _ value: Value, at position: SourcePosition?, into config: inout LuaScriptResourceConfig) {
        let p = position
        switch key {
        case "log_level":
            if let level = choice(key, value, p, LuaScriptResourceConfig.LogLevel.allCases.map(\.rawValue)) {
                config.logging.level = LuaScriptResourceConfig.LogLevel(rawValue: level) ?? .info
            }
        case "log_audit_target": config.logging.auditTarget = string(key, value, p)
        case "log_publish_directory": config.logging.publishDirectory = string(key, value, p)
        case "log_publish_level":
            config.logging.publishLevel = choice(key, value, p, ["AUDIT", "FORCE", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"])
        case "log_max_file_storage":
            if let number = integer(key, value, p, Self.uint32) {
                if number == 0 {
                    add(.warning, .range, key, "0 is ignored; the default 2000000 bytes is used", p)
                } else {
                    config.logging.maxFileStorage = number
                }
            }
        case "log_auto_flush":
            switch value {
            case .boolean(let flag): config.logging.autoFlush = flag
            case .string(let text) where ["true", "false"].contains(text.lowercased()): config.logging.autoFlush = text.lowercased() == "true"
            default: add(.warning, .type, key, "log_auto_flush can only be true or false.; got \(value.kindDescription), ignored", p)
            }
        case "log_flush_chunk_size":
            if let number = integer(key, value, p, Self.uint32) {
                if number == 0 { add(.warning, .range, key, "0 is ignored; the default 16384 is used", p) } else { config.logging.flushChunkSize = number }
            }
        case "log_buffer_size":
            if let number = integer(key, value, p, Self.uint32) {
                if number < 128 {
                    add(.warning, .range, key, "log_buffer_size minimum value: 128; got \(number), the default 4096 is used", p)
                } else {
                    config.logging.bufferSize = number
                }
            }
        case "fips_enabled":
            if let flag = bool(key, value, p) {
                config.fipsEnabled = flag
                if flag {
                    add(.error, .unsupported, key, "FIPS mode is not supported by Outpost; set fips_enabled to false", p)
                }
            }
        case "rap_host": config.rap.host = string(key, value, p) ?? config.rap.host
        case "rap_port": config.rap.port = integer(key, value, p, Self.port).map { Int($0) } ?? config.rap.port
        case "rap_ssl": config.rap.ssl = bool(key, value, p) ?? config.rap.ssl
        case "rap_timeout": config.rap.timeout = integer(key, value, p, Self.positive, unit: "milliseconds")
        case "rap_server_authenticate": config.rap.serverAuthenticate = bool(key, value, p) ?? config.rap.serverAuthenticate
        case "rap_userid": config.rap.userID = string(key, value, p)
        case "rap_password": config.rap.password = secret(key, value, p)
        case "rap_validate": config.rap.validate = bool(key, value, p) ?? config.rap.validate
        case "rap_cert_file": config.rap.certFile = string(key, value, p)
        case "rap_trusted_directory": config.rap.trustedDirectory = string(key, value, p)
        case "strict_permissions": config.strictPermissions = bool(key, value, p) ?? config.strictPermissions
        case "script_resource_tls_directory": config.scriptResource.tlsDirectory = string(key, value, p)
        case "rap_deny_selfsigned": config.rap.denySelfSigned = bool(key, value, p) ?? config.rap.denySelfSigned
        case "script_resource_host": config.scriptResource.host = string(key, value, p) ?? config.scriptResource.host
        case "script_resource_port":
            config.scriptResource.port = integer(key, value, p, Self.port).map { Int($0) } ?? config.scriptResource.port
        case "script_resource_ssl": config.scriptResource.ssl = bool(key, value, p) ?? config.scriptResource.ssl
        case "script_resource_certificate_chain": config.scriptResource.certificateChain = string(key, value, p)
        case "script_resource_certificate":
            add(.warning, .invalid, key, "is the guide's spelling; the setting is script_resource_certificate_chain (accepted as an alias, rename it)", p)
            if config.scriptResource.certificateChain == nil { config.scriptResource.certificateChain = string(key, value, p) }
        case "script_resource_private_key": config.scriptResource.privateKey = string(key, value, p)
        case "script_resource_passphrase": config.scriptResource.passphrase = secret(key, value, p)
        case "script_resource_use_default_certificate":
            config.scriptResource.useDefaultCertificate = bool(key, value, p) ?? config.scriptResource.useDefaultCertificate
        case "script_resource_authenticate": config.scriptResource.authenticate = bool(key, value, p) ?? config.scriptResource.authenticate
        case "script_resource_userid": config.scriptResource.userID = string(key, value, p)
        case "script_resource_password": config.scriptResource.password = secret(key, value, p)
        case "max_clients": config.scriptResource.maxClients = integer(key, value, p, 1...10_000).map { Int($0) } ?? config.scriptResource.maxClients
        case "http_timeout": config.httpTimeout = integer(key, value, p, Self.positive, unit: "milliseconds")
        case "script_directory": config.scriptDirectory = string(key, value, p)
        case "data_directory": config.dataDirectory = string(key, value, p)
        case "lua_instruction_limit":
            if let number = limit(key, value, p, 1_000...Int64.max, unit: "instructions") { config.limits.instructions = number }
        case "lua_memory_limit_mb":
            if let number = limit(key, value, p, 1...1_048_576, unit: "MiB") { config.limits.memoryMegabytes = number }
        case "lua_call_timeout":
            if let number = limit(key, value, p, 1...86_400_000, unit: "milliseconds") { config.limits.callTimeout = number }
        case "script_library_path", "script_lib_path", "script_clib_path":
            _ = string(key, value, p)
            add(.note, .notYetUsed, key, "accepted, not used: Outpost loads modules only from the scripts directory", p)
        default:
            if case .other(let kind) = value {
                add(.warning, .type, key, "a \(kind) is not a setting; ignored", p)
                return
            }
            let suggestion = EditDistance.suggestion(for: key, among: LuaScriptResourceConfig.globalKeys)
            let hint = suggestion.map { "; did you mean \"\($0)\"?" } ?? ""
            add(.warning, .unknownKey, key, "unknown key, not a setting (scripts still see it as p_data.\(key))\(hint)", p)
        }
    }

    /// A per-call limit: a number in `range`, or 0 for none, which is warned about because a runaway
    /// script then stalls its thing. Returns `.some(nil)` for "no limit", `nil` when the value was rejected.
    private mutating func limit(
        _ key: String, _ value: Value, _ position: SourcePosition?, _ range: ClosedRange<Int64>, unit: String
    ) -> Int64?? {
        guard let number = integer(key, value, position, 0...range.upperBound, unit: unit) else { return nil }
        if number == 0 {
            add(.warning, .insecure, key, "0 removes this limit: a runaway or memory-hungry script can then stall its thing; set a bound instead", position)
            return .some(nil)
        }
        guard range.contains(number) else {
            add(.error, .range, key, "expected 0 (no limit) or \(range.lowerBound)–\(range.upperBound) \(unit), got \(number)", position)
            return nil
        }
        return .some(number)
    }
}
