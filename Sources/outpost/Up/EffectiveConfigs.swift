import Foundation
import OutpostConfig
import OutpostLua
import OutpostSecrets

/// The configs the components actually run on: the repository's config.json, platform.json and
/// config.lua with the install's sealed secrets in place of the placeholders, every path absolute,
/// and the ports of this run. Written to the state directory (mode 0600) before each component starts;
/// the repository files stay the readable source of structure.
struct EffectiveConfigs: Sendable {
    let layout: UpLayout
    let secrets: UpSecrets
    /// The repository files.
    let emsSourcePath: String
    let platformSourcePath: String
    let luaSourcePath: String
    private let ems: JSONOutput
    private let platform: JSONOutput
    private let luaText: String
    private let lua: LuaScriptResourceConfig

    /// Reads and checks the three repository configs; errors name the file.
    static func read(
        ems emsPath: String, platform platformPath: String, lua luaPath: String, layout: UpLayout, secrets: UpSecrets
    ) async throws(UpStateError) -> EffectiveConfigs {
        let emsBytes = try readFile(emsPath)
        let emsLoad = EMSConfig.load(emsBytes)
        try requireNoErrors(emsLoad.findings, emsPath)
        let platformBytes = try readFile(platformPath)
        let platformLoad = PlatformConfig.load(platformBytes)
        try requireNoErrors(platformLoad.findings, platformPath)
        let luaBytes = try readFile(luaPath)
        let luaLoad = await LuaScriptResourceEvaluator.load(luaBytes, fileName: luaPath)
        try requireNoErrors(luaLoad.findings, luaPath)
        guard let luaConfig = luaLoad.config,
            let emsNode = try? JSONParser.parse(emsBytes), let platformNode = try? JSONParser.parse(platformBytes)
        else {
            throw UpStateError("\(emsPath), \(platformPath) or \(luaPath) cannot be read as a configuration")
        }
        return EffectiveConfigs(
            layout: layout, secrets: secrets, emsSourcePath: emsPath, platformSourcePath: platformPath,
            luaSourcePath: luaPath, ems: JSONOutput(emsNode), platform: JSONOutput(platformNode),
            luaText: String(decoding: luaBytes, as: UTF8.self), lua: luaConfig)
    }

    /// The ports the repository files ask for (the EMS's port is also the LSR's `rap_port`).
    var configuredPorts: UpPorts {
        UpPorts(
            alwaysOn: platform[["listen", "port"]]?.integerValue ?? PlatformListenConfig().port,
            admin: platform[["admin", "port"]]?.integerValue ?? PlatformAdminConfig().port,
            ems: ems[["http_server", "port"]]?.integerValue ?? 8000,
            lsr: lua.scriptResource.port)
    }

    /// The Basic-auth user of the EMS REST API.
    var emsUser: String { ems[["http_server", "user"]]?.stringValue ?? "admin" }
    /// Things of config.lua (the LSR's things), in file order.
    var luaThings: [String] { lua.scripts.map(\.name) }
    /// Properties the platform subscribes to, `(thing, property)`, from platform.json.
    var subscriptions: [(thing: String, property: String)] {
        guard case .array(let items)? = platform[["subscriptions"]] else { return [] }
        return items.compactMap { item in
            guard let thing = item[["thing"]]?.stringValue, let property = item[["property"]]?.stringValue else { return nil }
            return (thing, property)
        }
    }

    /// platform.json for this run.
    func writePlatform(alwaysOnPort: Int, adminPort: Int) throws(UpStateError) {
        var config = platform
        config.set(["listen", "port"], .integer(Int64(alwaysOnPort)))
        config.set(["admin", "port"], .integer(Int64(adminPort)))
        config.mapStrings(["tls", "certificate"], layout.map)
        config.mapStrings(["tls", "private_key"], layout.map)
        config.mapStrings(["tls", "client_ca"], layout.map)
        config.set(["tls", "passphrase"], .string(secrets[.platformKeyPassphrase]))
        config.set(["app_keys"], .array([.string(secrets[.appKey])]))
        config.set(["admin", "token"], .string(secrets[.adminToken]))
        config.mapStrings(["store", "path"], layout.map)
        try write(config.rendered() + "\n", to: layout.effectivePlatformConfig)
    }

    /// config.json for this run: the uplink goes to the platform's AlwaysOn port of this run.
    func writeEMS(platformPort: Int, emsPort: Int) throws(UpStateError) {
        var config = ems
        if case .array(let servers)? = config[["ws_servers"]], !servers.isEmpty {
            config.set(["ws_servers", "0", "host"], .string("127.0.0.1"))
            config.set(["ws_servers", "0", "port"], .integer(Int64(platformPort)))
        } else {
            config.set(["ws_servers"], .array([.object([("host", .string("127.0.0.1")), ("port", .integer(Int64(platformPort)))])]))
        }
        config.set(["appKey"], .string(secrets[.appKey]))
        config.set(["http_server", "port"], .integer(Int64(emsPort)))
        config.mapStrings(["http_server", "certificate"], layout.map)
        config.mapStrings(["http_server", "private_key"], layout.map)
        config.set(["http_server", "passphrase"], .string(secrets[.emsServerKeyPassphrase]))
        config.set(["http_server", "password"], .string(secrets[.emsPassword]))
        config.mapStrings(["offline_msg_store", "directory"], layout.map)
        config.mapStrings(["certificates", "cert_chain"], layout.map)
        config.mapStrings(["certificates", "client_cert"], layout.map)
        config.mapStrings(["certificates", "key_file"], layout.map)
        config.set(["certificates", "key_passphrase"], .string(secrets[.emsClientKeyPassphrase]))
        try write(config.rendered() + "\n", to: layout.effectiveEMSConfig)
    }

    /// config.lua for this run: the repository file followed by assignments that override its secrets,
    /// paths and ports (later assignments win in Lua), and point `script_directory` at the repository's
    /// `scripts/`.
    func writeLua(emsPort: Int, lsrPort: Int) throws(UpStateError) {
        var lines = [
            luaText.hasSuffix("\n") ? luaText : luaText + "\n",
            "-- ---------------------------------------------------------------------------------------",
            "-- Written by `outpost up` from \(luaSourcePath): the settings below override the ones above",
            "-- with this install's sealed secrets, absolute paths and this run's ports.",
            "scripts.script_directory = \(Self.luaString(layout.scriptsDirectory))",
            "scripts.rap_port = \(emsPort)",
            "scripts.rap_password = \(Self.luaString(secrets[.emsPassword]))",
            "scripts.script_resource_port = \(lsrPort)",
            "scripts.script_resource_password = \(Self.luaString(secrets[.lsrPassword]))",
            "scripts.script_resource_passphrase = \(Self.luaString(secrets[.lsrKeyPassphrase]))",
        ]
        if let file = lua.rap.certFile { lines.append("scripts.rap_cert_file = \(Self.luaString(layout.map(file)))") }
        if let file = lua.scriptResource.certificateChain {
            lines.append("scripts.script_resource_certificate_chain = \(Self.luaString(layout.map(file)))")
        }
        if let file = lua.scriptResource.privateKey {
            lines.append("scripts.script_resource_private_key = \(Self.luaString(layout.map(file)))")
        }
        try write(lines.joined(separator: "\n") + "\n", to: layout.effectiveLuaConfig)
    }

    /// A Lua double-quoted string literal.
    static func luaString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { out += "\\\(scalar.value)" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    private func write(_ text: String, to path: String) throws(UpStateError) {
        do {
            try ProtectedFile.create(path, contents: Array(text.utf8), mode: 0o600, replacing: true)
        } catch {
            throw UpStateError("cannot write \(path): \(error.description)")
        }
    }

    private static func readFile(_ path: String) throws(UpStateError) -> [UInt8] {
        do {
            return try ConfigFileReader.read(path)
        } catch {
            throw UpStateError(error.description)
        }
    }

    private static func requireNoErrors(_ findings: [ConfigFinding], _ path: String) throws(UpStateError) {
        let errors = findings.filter { $0.severity == .error }
        guard !errors.isEmpty else { return }
        let list = errors.prefix(5).map { "\(path): \($0)" }.joined(separator: "\n")
        throw UpStateError("\(list)\n\(path) has errors; fix them (outpost validate \(path)) and run again")
    }
}
