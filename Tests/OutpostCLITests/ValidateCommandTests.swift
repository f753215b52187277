import Foundation
import Testing
import OutpostTestSupport

/// `outpost validate` run as a process, as an operator would.
@Suite(.blockingWork) struct ValidateCommandTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @Test func repositoryConfig_isValid() throws {
        let result = try OutpostProcess.run(["validate", "--skip-secrets", "config.json"], directory: Self.repositoryRoot)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("config.json: ok: 0 errors"))
    }

    @Test func badFile_listsEveryProblemWithFileLineColumn_andExitsOne() throws {
        let directory = try CLITestDirectory()
        let path = try directory.write("config.json", """
            {
              "ws_servers": [ { "host": "p", "port": "443" } ],
              "appKey": "plain-app-key-value",
              "http_server": { "port": "80a", "user": "u", "password": "hunter2" },
              "loger": { "level": "INFO" }
            }
            """)
        let result = try OutpostProcess.run(["validate", "--no-notes", path], environment: directory.environment)
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("\(path):2:42: error: ws_servers[0].port: expected an integer 1–65535, got \"443\""))
        #expect(lines.contains("\(path):4:28: error: http_server.port: expected an integer 1–65535, got \"80a\""))
        #expect(lines.contains("\(path):5:3: warning: loger: unknown key, ignored; did you mean \"logger\"?"))
        #expect(lines.contains { $0.hasPrefix("\(path):3:13: warning: appKey: secret is stored in plain text") })
        #expect(lines.last == "\(path): invalid: 2 errors, 3 warnings, 0 notes")
        #expect(!result.stdout.contains("hunter2"))
        #expect(!result.stdout.contains("plain-app-key-value"))
    }

    @Test func syntaxError_isReportedAsFileLineColumn() throws {
        let directory = try CLITestDirectory()
        let path = try directory.write("config.json", "{\n  \"appKey\": \"x\",\n}\n")
        let result = try OutpostProcess.run(["validate", path], environment: directory.environment)
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("\(path):3:1: error: trailing comma before '}'; remove the last ','"))
    }

    @Test func jsonOutput_isMachineReadable() throws {
        let directory = try CLITestDirectory()
        let path = try directory.write("config.json", #"{"ws_servers":[{"host":"p","port":443}],"appKey":"k","http_server":{"authenticate":false},"logger":{"level":"INFO"}}"#)
        let result = try OutpostProcess.run(["validate", "--json", path], environment: directory.environment)
        #expect(result.status == 0, "\(result)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == true)
        #expect(object["errors"] as? Int == 0)
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["code"] as? String == "insecure" && $0["path"] as? String == "http_server.authenticate" })
        #expect(findings.contains { $0["code"] as? String == "not-yet-used" && $0["severity"] as? String == "note" })
    }

    @Test func sealedSecret_fromAnotherKeyFile_isAnError() throws {
        let directory = try CLITestDirectory()
        var other = directory.environment
        other["OUTPOST_SECRET_KEY_FILE"] = directory.file("other.key")
        let sealed = try OutpostProcess.run(["secret", "encrypt"], stdin: "the-app-key\n", environment: other)
        #expect(sealed.status == 0, "\(sealed)")
        let value = sealed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let path = try directory.write("config.json", #"{"ws_servers":[{"host":"p","port":443}],"appKey":"\#(value)","http_server":{"authenticate":false}}"#)
        // The installed key file does not exist yet: the value cannot be opened.
        let missing = try OutpostProcess.run(["validate", path], environment: directory.environment)
        #expect(missing.status == 1)
        #expect(missing.stdout.contains("error: appKey: appKey was sealed with a key file that is not at"))
        // With the key file that sealed it, the file is valid.
        let good = try OutpostProcess.run(["validate", path], environment: other)
        #expect(good.status == 0, "\(good)")
        #expect(!good.stdout.contains("the-app-key"))
    }

    @Test func missingFile_isOneClearLine() throws {
        let result = try OutpostProcess.run(["validate", "/nonexistent/config.json"])
        #expect(result.status == 1)
        #expect(result.stderr == "outpost: error: /nonexistent/config.json: file not found; check the path (relative paths start at \(FileManager.default.currentDirectoryPath))\n")
    }

    @Test func printSchema_matchesTheCommittedSchema() throws {
        let result = try OutpostProcess.run(["validate", "--print-schema"])
        let committed = try String(contentsOfFile: Self.repositoryRoot + "/config.schema.json", encoding: .utf8)
        #expect(result.status == 0)
        #expect(result.stdout == committed)
    }
}
