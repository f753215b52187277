import Foundation
import OutpostConfig
import OutpostLSR
import OutpostLua
import OutpostSecrets
import Testing

/// config.lua → settings: the errors that stop `outpost lsr` name the key and the fix.
@Suite struct LSRSettingsTests {
    static func settings(_ lua: String, configPath: String = "/tmp/outpost-lsr-settings/config.lua") async throws -> LSRSettings {
        let loaded = await LuaScriptResourceEvaluator.load(Array(lua.utf8))
        let config = try #require(loaded.config)
        return try LSRSettings(config: config, configPath: configPath, resolver: SecretResolver(keyFilePath: "/nonexistent/outpost-test.key"))
    }

    static let plain = """
        scripts.rap_ssl = false
        scripts.rap_userid, scripts.rap_password = "emsuser", "pw"
        scripts.script_resource_ssl = false
        scripts.script_resource_userid, scripts.script_resource_password = "luauser", "lua-pw"

        """

    @Test func dataDirectoryResolvesBesideTheConfig_andHTTPTimeoutDefaultsToRAPTimeout() async throws {
        let defaults = try await Self.settings(Self.plain + "scripts.rap_timeout = 7000\n")
        #expect(defaults.dataDirectory == nil)
        #expect(defaults.httpTimeout == defaults.ems.timeout)
        let set = try await Self.settings(Self.plain + "scripts.data_directory = \"state/files\"\nscripts.http_timeout = 1500\n")
        #expect(set.dataDirectory == "/tmp/outpost-lsr-settings/state/files")
        #expect(set.httpTimeout == .milliseconds(1500))
    }

    @Test func luaLimitsComeFromConfigLua_zeroMeansNoneAndIsWarned() async throws {
        let defaults = try await Self.settings(Self.plain)
        #expect(defaults.limits == LuaLimits.default)
        let set = try await Self.settings(
            Self.plain + "scripts.lua_instruction_limit = 2000000\nscripts.lua_memory_limit_mb = \"8\"\nscripts.lua_call_timeout = 0\n")
        #expect(set.limits.instructionBudget == 2_000_000)
        #expect(set.limits.memoryCap == 8 << 20)
        #expect(set.limits.timeout == nil)
        let loaded = await LuaScriptResourceEvaluator.load(Array((Self.plain + "scripts.lua_call_timeout = 0\nscripts.lua_memory_limit_mb = 2000000\nscripts.lua_instruction_limit = 10\n").utf8))
        #expect(loaded.findings.contains { $0.severity == .warning && $0.path.hasSuffix("lua_call_timeout") && $0.message.contains("removes this limit") })
        #expect(loaded.findings.contains { $0.severity == .error && $0.path.hasSuffix("lua_memory_limit_mb") && $0.message.contains("1048576") })
        #expect(loaded.findings.contains { $0.severity == .error && $0.path.hasSuffix("lua_instruction_limit") && $0.message.contains("expected 0 (no limit) or 1000") })
    }

    @Test func validationWithoutACertificateFileIsRefusedNamingTheKey() async throws {
        let lua = Self.plain.replacingOccurrences(of: "scripts.rap_ssl = false", with: "scripts.rap_ssl, scripts.rap_validate = true, true")
        do {
            _ = try await Self.settings(lua)
            Issue.record("expected an error")
        } catch let error as LSRSetupError {
            #expect(error.message.contains("rap_cert_file"))
        }
    }

    @Test func authenticationWithoutCredentialsIsRefused() async throws {
        let lua = Self.plain.replacingOccurrences(of: #"scripts.rap_userid, scripts.rap_password = "emsuser", "pw""#, with: "")
        do {
            _ = try await Self.settings(lua)
            Issue.record("expected an error")
        } catch let error as LSRSetupError {
            #expect(error.message.contains("rap_userid") && error.message.contains("rap_password"))
        }
    }

    @Test func everyInterfaceIsAdvertisedAsLoopbackAndCredentialsAreSentAsStored() async throws {
        let settings = try await Self.settings(Self.plain + "scripts.script_resource_host = \"0.0.0.0\"\n")
        #expect(settings.listener.advertisedHost == "127.0.0.1")
        #expect(settings.listener.scheme == "http")
        #expect(settings.callbackUser == "luauser" && settings.callbackPassword == "lua-pw")
        #expect(settings.ems.baseURL == "http://localhost:8000")
        #expect(settings.ems.authorization.map { "\($0)" } == "<redacted>")
    }

    @Test func scriptDirectoryIsRelativeToTheConfigFile() async throws {
        let settings = try await Self.settings(Self.plain + "scripts.script_directory = \"../shared/scripts\"\n", configPath: "/opt/gw/etc/config.lua")
        #expect(settings.scriptsDirectory == "/opt/gw/shared/scripts")
    }
}
