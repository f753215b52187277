import Foundation
import Testing
import OutpostTestSupport

/// `outpost validate config.lua` run as a process: same report format and exit codes as config.json.
@Suite(.blockingWork) struct ValidateLuaCommandTests {
    @Test func repositoryConfigLua_isValid_withPlaintextWarnings() throws {
        let result = try OutpostProcess.run(["validate", "--skip-secrets", "config.lua"], directory: ValidateCommandTests.repositoryRoot)
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.last == "config.lua: ok: 0 errors, 3 warnings, 0 notes", "\(result)")
        #expect(lines.contains { $0.hasPrefix("config.lua:9:") && $0.contains("warning: rap_password: secret is stored in plain text") })
        #expect(!result.stdout.contains("outpost-demo-password"))
    }

    @Test func badConfigLua_listsProblemsWithLines_andExitsOne() throws {
        let directory = try CLITestDirectory()
        let path = try directory.write("config.lua", """
            scripts.rap_hots = "ems"
            scripts.rap_port = "80a"
            scripts.script_resource_authenticate = true
            scripts.Pump = { file = "thing.lua", template = "pump", scanRate = 100 }
            """)
        let result = try OutpostProcess.run(["validate", "--skip-secrets", path], environment: directory.environment)
        #expect(result.status == 1, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("\(path):1:9: warning: rap_hots: unknown key, not a setting (scripts still see it as p_data.rap_hots); did you mean \"rap_host\"?"), "\(result)")
        #expect(lines.contains("\(path):2:9: error: rap_port: expected an integer 1–65535, got \"80a\""))
        #expect(lines.contains("\(path):3:9: error: script_resource_authenticate: script_resource_userid and script_resource_password can not be empty when script_resource_authenticate is enabled."))
        #expect(lines.contains("\(path):4:57: error: Pump.scanRate: Global scanRate must be greater than scanRateResolution. Current values: scanRate = 100, scanRateResolution = 500"))
        #expect(lines.last?.hasPrefix("\(path): invalid: 3 errors") == true)
    }

    @Test func syntaxError_inConfigLua_isReportedAsFileLine() throws {
        let directory = try CLITestDirectory()
        let path = try directory.write("config.lua", "scripts.rap_host = \"a\"\nscripts.rap_port = = 1\n")
        let result = try OutpostProcess.run(["validate", path], environment: directory.environment)
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("\(path):2:1: error: Lua syntax error: unexpected symbol near '='"), "\(result)")
    }

    @Test func jsonOutput_worksForConfigLua() throws {
        let directory = try CLITestDirectory()
        let path = try directory.write("config.lua", "scripts.script_resource_authenticate = false\nscripts.rap_server_authenticate = false\n")
        let result = try OutpostProcess.run(["validate", "--json", "--skip-secrets", path], environment: directory.environment)
        #expect(result.status == 0, "\(result)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["path"] as? String == "script_resource_authenticate" && $0["code"] as? String == "insecure" })
    }
}
