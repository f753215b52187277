import Foundation
import OutpostConfig
import OutpostLua
import Testing

/// config.lua evaluated by real Lua and judged: the repository's file and one bad file per rule.
@Suite struct LuaScriptResourceEvaluatorTests {
    /// A secure configuration with sealed secrets: no findings at all.
    static let secureBase = """
        scripts.rap_cert_file = "ca.pem"
        scripts.rap_userid, scripts.rap_password = "emsuser", "enc:v1:AAAA"
        scripts.script_resource_certificate_chain = "lsr.pem"
        scripts.script_resource_private_key = "lsr.key.p8"
        scripts.script_resource_passphrase = "enc:v1:BBBB"
        scripts.script_resource_userid, scripts.script_resource_password = "luauser", "enc:v1:CCCC"

        """

    static func load(_ source: String) async -> ConfigLoadResult<LuaScriptResourceConfig> {
        await LuaScriptResourceEvaluator.load(Array(source.utf8), fileName: "config.lua")
    }

    /// The single finding of `secureBase + extra` (fails the test when there is not exactly one).
    static func onlyFinding(_ extra: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> ConfigFinding {
        let result = await load(secureBase + extra)
        #expect(result.findings.count == 1, "\(result.findings)", sourceLocation: sourceLocation)
        return try #require(result.findings.first, sourceLocation: sourceLocation)
    }

    @Test func repositoryConfig_loadsWithOnlyPlaintextSecretWarnings() async throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: LuaTestSupport.repositoryRoot + "/config.lua")))
        let result = await LuaScriptResourceEvaluator.load(bytes)
        #expect(!result.findings.isEmpty)
        #expect(result.findings.allSatisfy { $0.code == .plaintextSecret }, "\(result.findings)")
        #expect(Set(result.findings.map(\.path)) == ["rap_password", "script_resource_passphrase", "script_resource_password"])
        let config = try #require(result.config)
        #expect(config.rap.host == "127.0.0.1")
        #expect(config.rap.port == 8000)
        #expect(config.scriptResource.port == 8001)
        #expect(config.scriptResource.useDefaultCertificate == false)
        let thing = try #require(config.things.first)
        #expect(thing.name == "Sensor01")
        #expect(thing.template == "sensor")
        #expect(thing.scanRate == 2000)
        #expect(thing.scanRateResolution == 250)
        #expect(thing.members.contains { $0.key == "location" })
    }

    @Test func secureBase_hasNoFindings_andDefaultsApply() async throws {
        let result = await Self.load(Self.secureBase)
        #expect(result.findings.isEmpty, "\(result.findings)")
        let config = try #require(result.config)
        #expect(config.rap.host == "localhost")
        #expect(config.rap.ssl && config.rap.validate && config.rap.denySelfSigned)
        #expect(config.scriptResource.maxClients == 16)
        #expect(config.logging.level == .info)
        #expect(config.logging.maxFileStorage == 2_000_000)
    }

    @Test func originalsStringBooleansAndNumbers_areAccepted() async throws {
        let result = await Self.load(Self.secureBase + """
            scripts.script_resource_ssl = "true"
            scripts.script_resource_authenticate = "TRUE"
            scripts.rap_port, scripts.script_resource_port = "8443", "9001"
            scripts.log_level = "debug"
            scripts.Pump01 = { file = "thing.lua", template = "pump", scanRate = "5000", updateRate = 1, identifier = 12 }
            """)
        #expect(result.findings.isEmpty, "\(result.findings)")
        let config = try #require(result.config)
        #expect(config.rap.port == 8443)
        #expect(config.scriptResource.port == 9001)
        #expect(config.logging.level == .debug)
        #expect(config.things.first?.scanRate == 5000)
        #expect(config.things.first?.identifier == "12")
    }

    @Test func updateRate_isAnAliasOfScanRate() async throws {
        let result = await Self.load(Self.secureBase + "scripts.P = { file = \"thing.lua\", template = \"p\", updateRate = 3000 }\n")
        #expect(result.findings.isEmpty)
        #expect(result.config?.things.first?.scanRate == 3000)
    }

    @Test func unknownKey_isWarnedWithSuggestion() async throws {
        let finding = try await Self.onlyFinding("scripts.rap_hots = \"ems.local\"\n")
        #expect(finding.formatted(file: "config.lua")
            == "config.lua:7:9: warning: rap_hots: unknown key, not a setting (scripts still see it as p_data.rap_hots); did you mean \"rap_host\"?")
    }

    @Test func scanRateNotAboveResolution_isAnError() async throws {
        let finding = try await Self.onlyFinding("""
            scripts.Pump = { file = "thing.lua", template = "pump",
                             scanRate = 500, scanRateResolution = 500 }
            """)
        #expect(finding.severity == .error)
        #expect(finding.path == "Pump.scanRate")
        #expect(finding.message == "Global scanRate must be greater than scanRateResolution. Current values: scanRate = 500, scanRateResolution = 500")
        #expect(finding.position == SourcePosition(line: 8, column: 18))
    }

    @Test func taskRateNotAboveResolution_isAnError() async throws {
        let finding = try await Self.onlyFinding("scripts.Pump = { file = \"thing.lua\", template = \"pump\", taskRate = 250, scanRateResolution = 300 }\n")
        #expect(finding.path == "Pump.taskRate")
        #expect(finding.message == "Global taskRate must be greater than scanRateResolution. Current values: taskRate = 250, scanRateResolution = 300")
    }

    @Test func authenticationWithoutCredentials_isTheOriginalsError() async throws {
        let result = await Self.load("""
            scripts.rap_cert_file = "ca.pem"
            scripts.rap_userid, scripts.rap_password = "emsuser", "enc:v1:AAAA"
            scripts.script_resource_certificate_chain = "lsr.pem"
            scripts.script_resource_private_key = "lsr.key.p8"
            scripts.script_resource_passphrase = "enc:v1:BBBB"
            scripts.script_resource_authenticate = true
            scripts.script_resource_userid = ""
            """)
        let errors = result.findings.filter { $0.severity == .error }
        #expect(errors.count == 1, "\(result.findings)")
        #expect(errors.first?.path == "script_resource_authenticate")
        #expect(errors.first?.message == "script_resource_userid and script_resource_password can not be empty when script_resource_authenticate is enabled.")
        #expect(errors.first?.position?.line == 6)
    }

    @Test func luaSyntaxError_isReportedWithItsLine() async throws {
        let finding = try await Self.onlyFinding("scripts.rap_host = \"a\"\nscripts.rap_port = = 8000\n")
        #expect(finding.code == .syntax)
        #expect(finding.formatted(file: "config.lua") == "config.lua:8:1: error: Lua syntax error: unexpected symbol near '='")
    }

    @Test func luaRuntimeError_isReportedWithItsLine() async throws {
        let finding = try await Self.onlyFinding("script.rap_host = \"a\"\n")
        #expect(finding.formatted(file: "config.lua") == "config.lua:7:1: error: Lua error while evaluating the file: attempt to index a nil value (global 'script')")
    }

    @Test func wrongTypes_areErrorsNamingTheKey() async throws {
        let port = try await Self.onlyFinding("scripts.rap_port = \"80a\"\n")
        #expect(port.path == "rap_port")
        #expect(port.code == .type)
        #expect(port.message == "expected an integer 1–65535, got \"80a\"")
        let range = try await Self.onlyFinding("scripts.script_resource_port = 70000\n")
        #expect(range.code == .range)
        #expect(range.message == "expected an integer 1–65535, got 70000")
        let flag = try await Self.onlyFinding("scripts.rap_ssl = \"yes\"\n")
        #expect(flag.message == "expected true or false (a boolean or the string \"true\"/\"false\"), got \"yes\"")
        let level = try await Self.onlyFinding("scripts.log_level = \"LOUD\"\n")
        #expect(level.message == "expected one of FORCE, ERROR, WARN, INFO, DEBUG, TRACE, got \"LOUD\"")
        let rate = try await Self.onlyFinding("scripts.P = { file = \"thing.lua\", template = \"p\", scanRate = \"fast\" }\n")
        #expect(rate.path == "P.scanRate")
        #expect(rate.message == "expected an integer ≥ 1 (milliseconds), got \"fast\"")
    }

    @Test func thingWithoutTemplate_andEntryWithoutFile_areErrors() async throws {
        let template = try await Self.onlyFinding("scripts.P = { file = \"thing.lua\" }\n")
        #expect(template.path == "P.template")
        #expect(template.message == "a thing (file = \"thing.lua\") needs template = \"<name>\", the file scripts/templates/<name>.lua")
        let file = try await Self.onlyFinding("scripts.P = { template = \"pump\" }\n")
        #expect(file.path == "P")
        #expect(file.message == "script entry has no file; things use file = \"thing.lua\" with a template")
    }

    @Test func thingKeyTypo_isWarnedWithSuggestion_andStillPassedToTheTemplate() async throws {
        let finding = try await Self.onlyFinding("scripts.P = { file = \"thing.lua\", template = \"p\", scanrate = 1000 }\n")
        #expect(finding.path == "P.scanrate")
        #expect(finding.message == "not a thing setting, passed to the template as p_data.scanrate; did you mean \"scanRate\"?")
        #expect(finding.position == SourcePosition(line: 7, column: 51))
    }

    @Test func strayGlobal_isWarnedWithSuggestion() async throws {
        let finding = try await Self.onlyFinding("rap_host = \"ems\"\n")
        #expect(finding.path == "rap_host")
        #expect(finding.message == "global variable is not a setting and is ignored; did you mean scripts.rap_host?")
    }

    @Test func runawayConfig_isStoppedByTheInstructionBudget() async throws {
        let finding = try await Self.onlyFinding("while true do end\n")
        #expect(finding.position?.line == 7)
        #expect(finding.message == "config.lua must only assign settings, but evaluating it failed: instruction budget of 10000000 exceeded (runaway loop?)")
    }

    @Test func certificateAlias_isAcceptedWithAWarning() async throws {
        let result = await Self.load(Self.secureBase.replacingOccurrences(of: "script_resource_certificate_chain", with: "script_resource_certificate"))
        #expect(result.findings.count == 1)
        #expect(result.findings.first?.path == "script_resource_certificate")
        #expect(result.findings.first?.message == "is the guide's spelling; the setting is script_resource_certificate_chain (accepted as an alias, rename it)")
        #expect(result.config?.scriptResource.certificateChain == "lsr.pem")
    }

    @Test func legacyAESSecret_andFIPS_areErrors() async throws {
        let aes = try await Self.onlyFinding("scripts.rap_password = \"AES:abcdefghijklmnop\"\n")
        #expect(aes.code == .unsupported)
        #expect(aes.path == "rap_password")
        let fips = try await Self.onlyFinding("scripts.fips_enabled = true\n")
        #expect(fips.message == "FIPS mode is not supported by Outpost; set fips_enabled to false")
    }

    @Test func insecureSettings_areWarnedPerKey() async throws {
        let result = await Self.load(Self.secureBase + """
            scripts.rap_ssl = false
            scripts.rap_server_authenticate = false
            scripts.script_resource_ssl = "false"
            scripts.script_resource_authenticate = "false"
            """)
        let insecure = result.findings.filter { $0.code == .insecure }.map(\.path)
        #expect(insecure == ["rap_ssl", "rap_server_authenticate", "script_resource_ssl", "script_resource_authenticate"], "\(result.findings)")
        #expect(!result.hasErrors)
        let tls = await Self.load(Self.secureBase + "scripts.rap_validate = true\nscripts.rap_deny_selfsigned = false\n")
        #expect(tls.findings.map(\.path) == ["rap_deny_selfsigned"])
        #expect(tls.findings.first?.message.hasPrefix("Self signed certificates are enabled for the RAP connection") == true)
        let unvalidated = await Self.load(Self.secureBase + "scripts.rap_validate = false\n")
        #expect(unvalidated.findings.map(\.path) == ["rap_validate"])
    }

    @Test func plaintextSecrets_areWarnedWithoutShowingThem() async throws {
        let finding = try await Self.onlyFinding("scripts.script_resource_password = \"hunter2\"\n")
        #expect(finding.code == .plaintextSecret)
        #expect(!finding.formatted(file: "config.lua").contains("hunter2"))
    }

    @Test func thingFromConfig_loadsItsTemplateWithPData() async throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: LuaTestSupport.repositoryRoot + "/config.lua")))
        let config = try #require(await LuaScriptResourceEvaluator.load(bytes).config)
        let entry = try #require(config.things.first)
        let thing = try await LuaThing.load(entry, config: config, options: LuaThingTests.options())
        defer { thing.shutdown() }
        #expect(try await thing.read("Location").value == "Line 1")
        #expect(thing.pData["rap_host"] == "127.0.0.1")
        #expect(thing.property("Temperature")?.scanRate == 2000)
    }
}
