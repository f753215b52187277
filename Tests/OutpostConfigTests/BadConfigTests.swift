import OutpostConfig
import Testing

/// Each bad file yields a finding at the exact path with the exact message an operator reads.
@Suite struct BadConfigTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var json: String
        var severity: ConfigFinding.Severity
        var path: String
        var message: String
        var line: Int? = nil
        var column: Int? = nil
        var testDescription: String { name }
    }

    static let base = #""ws_servers":[{"host":"p","port":443}],"appKey":"enc:v1:AA","http_server":{"user":"u","password":"enc:v1:AA"}"#

    static func file(_ extra: String) -> String {
        "{" + base + (extra.isEmpty ? "" : "," + extra) + "}"
    }

    static let cases: [Case] = [
        Case(name: "port is a string", json: file(#""logger":{},"ws_connection":{"msg_timeout":"80a"}"#),
             severity: .error, path: "ws_connection.msg_timeout", message: "expected an integer ≥ 1 (ms), got \"80a\""),
        Case(name: "http port not a number", json: #"{"ws_servers":[{"host":"p","port":443}],"appKey":"enc:v1:AA","http_server":{"port":"80a","user":"u","password":"enc:v1:AA"}}"#,
             severity: .error, path: "http_server.port", message: "expected an integer 1–65535, got \"80a\""),
        Case(name: "http port out of range", json: #"{"ws_servers":[{"host":"p","port":443}],"appKey":"enc:v1:AA","http_server":{"port":70000,"user":"u","password":"enc:v1:AA"}}"#,
             severity: .error, path: "http_server.port", message: "expected an integer 1–65535, got 70000"),
        Case(name: "port is fractional", json: #"{"ws_servers":[{"host":"p","port":443.5}],"appKey":"enc:v1:AA","http_server":{"user":"u","password":"enc:v1:AA"}}"#,
             severity: .error, path: "ws_servers[0].port", message: "expected an integer 1–65535, got 443.5"),
        Case(name: "ssl is a string", json: #"{"ws_servers":[{"host":"p","port":443}],"appKey":"enc:v1:AA","http_server":{"ssl":"yes","user":"u","password":"enc:v1:AA"}}"#,
             severity: .error, path: "http_server.ssl", message: "expected true or false, got \"yes\""),
        Case(name: "ws_servers missing", json: #"{"appKey":"enc:v1:AA","http_server":{"user":"u","password":"enc:v1:AA"}}"#,
             severity: .error, path: "ws_servers", message: "required key is missing (Upstream platform addresses {host, port}, tried in order.)"),
        Case(name: "ws_servers empty", json: #"{"ws_servers":[],"appKey":"enc:v1:AA","http_server":{"user":"u","password":"enc:v1:AA"}}"#,
             severity: .error, path: "ws_servers", message: "expected at least 1 entry, got an empty array"),
        Case(name: "ws_servers is an object", json: #"{"ws_servers":{"host":"p","port":443},"appKey":"enc:v1:AA","http_server":{"user":"u","password":"enc:v1:AA"}}"#,
             severity: .error, path: "ws_servers", message: "must be an array of objects, got a single object; wrap it in [ … ]"),
        Case(name: "server without port", json: #"{"ws_servers":[{"host":"p"}],"appKey":"enc:v1:AA","http_server":{"user":"u","password":"enc:v1:AA"}}"#,
             severity: .error, path: "ws_servers[0].port", message: "required key is missing (TCP port of the platform, 443 for TLS is typical.)"),
        Case(name: "appKey missing", json: #"{"ws_servers":[{"host":"p","port":443}],"http_server":{"user":"u","password":"enc:v1:AA"}}"#,
             severity: .error, path: "appKey", message: "required key is missing (Application key sent in the upgrade and the AUTH message.)"),
        Case(name: "appKey is a number: value not echoed", json: #"{"ws_servers":[{"host":"p","port":443}],"appKey":12345,"http_server":{"user":"u","password":"enc:v1:AA"}}"#,
             severity: .error, path: "appKey", message: "expected a string, got a number"),
        Case(name: "auto_bind is an object", json: file(#""auto_bind":{"name":"T1"}"#),
             severity: .error, path: "auto_bind", message: "must be an array of objects, got a single object; wrap it in [ … ]"),
        Case(name: "auto_bind entry without name", json: file(#""auto_bind":[{"host":"127.0.0.1","port":8001}]"#),
             severity: .error, path: "auto_bind[0].name", message: "required key is missing (Thing name on the platform, or *IDENTIFIER.)"),
        Case(name: "auto_bind port zero", json: file(#""auto_bind":[{"name":"T","port":0}]"#),
             severity: .error, path: "auto_bind[0].port", message: "expected an integer 1–65535, got 0"),
        Case(name: "auto_bind bad protocol", json: file(#""auto_bind":[{"name":"T","protocol":"ftp"}]"#),
             severity: .error, path: "auto_bind[0].protocol", message: "expected one of \"http\", \"https\", got \"ftp\""),
        Case(name: "unknown key with suggestion", json: file(#""ws_conection":{}"#),
             severity: .warning, path: "ws_conection", message: "unknown key, ignored; did you mean \"ws_connection\"?"),
        Case(name: "unknown nested key with suggestion", json: file(#""ws_connection":{"ping_rat":1000}"#),
             severity: .warning, path: "ws_connection.ping_rat", message: "unknown key, ignored; did you mean \"ping_rate\"?"),
        Case(name: "unknown key without suggestion", json: file(#""colour":"blue""#),
             severity: .warning, path: "colour", message: "unknown key, ignored"),
        Case(name: "logger buffer too small", json: file(#""logger":{"buffer_size":100}"#),
             severity: .error, path: "logger.buffer_size", message: "expected an integer ≥ 128 (bytes), got 100"),
        Case(name: "unknown log level", json: file(#""logger":{"level":"LOUD"}"#),
             severity: .warning, path: "logger.level",
             message: "expected one of \"AUDIT\", \"ERROR\", \"WARN\", \"INFO\", \"DEBUG\", \"TRACE\", \"FORCE\", \"VERBOSE\", got \"LOUD\"; using \"WARN\""),
        Case(name: "max_threads zero", json: file(#""ws_connection":{"max_threads":0}"#),
             severity: .error, path: "ws_connection.max_threads", message: "Cannot set max threads to zero; use 1–50"),
        Case(name: "duty cycle above 100", json: file(#""ws_connection":{"duty_cycle":150}"#),
             severity: .warning, path: "ws_connection.duty_cycle", message: "is 150, above 100; using 100"),
        Case(name: "encryption unknown", json: file(#""ws_connection":{"encryption":"tls"}"#),
             severity: .error, path: "ws_connection.encryption", message: "expected one of \"ssl\", \"none\", got \"tls\""),
        Case(name: "authenticate without user", json: #"{"ws_servers":[{"host":"p","port":443}],"appKey":"enc:v1:AA"}"#,
             severity: .error, path: "http_server.user", message: "authenticate is true but no user is set; set user and password, or set authenticate to false"),
        Case(name: "key without passphrase", json: #"{"ws_servers":[{"host":"p","port":443}],"appKey":"enc:v1:AA","http_server":{"user":"u","password":"enc:v1:AA","certificate":"c.pem","private_key":"k.pem"}}"#,
             severity: .error, path: "http_server.passphrase",
             message: "Unencrypted private keys are not supported. Passphrase must be specified: encrypt the key (openssl pkcs8 -topk8) and set passphrase"),
        Case(name: "key without client cert", json: file(#""certificates":{"key_file":"k.pem"}"#),
             severity: .error, path: "certificates.client_cert", message: "key_file is set but client_cert is missing; set client_cert (PEM), or remove key_file"),
        Case(name: "server key without certificate", json: #"{"ws_servers":[{"host":"p","port":443}],"appKey":"enc:v1:AA","http_server":{"user":"u","password":"enc:v1:AA","private_key":"k.pem","passphrase":"enc:v1:AA"}}"#,
             severity: .error, path: "http_server.certificate", message: "private_key is set but certificate is missing; set certificate (PEM), or remove private_key"),
        Case(name: "validation_criteria not an object", json: file(#""certificates":{"validation_criteria":"CN=x"}"#),
             severity: .error, path: "certificates.validation_criteria", message: "expected an object { … }, got \"CN=x\""),
        Case(name: "cert_chain wrong type", json: file(#""certificates":{"cert_chain":42}"#),
             severity: .error, path: "certificates.cert_chain", message: "expected a string or an array of strings, got 42"),
        Case(name: "fips enabled", json: file(#""fips":{"enabled":true}"#),
             severity: .error, path: "fips.enabled", message: "FIPS mode is not supported by Outpost (no validated cryptographic module); set it to false"),
        Case(name: "legacy AES secret", json: #"{"ws_servers":[{"host":"p","port":443}],"appKey":"AES:q83vEjRWeJq83vEjRWeJqw==","http_server":{"user":"u","password":"enc:v1:AA"}}"#,
             severity: .error, path: "appKey",
             message: "is an AES: value from the original EMS, encrypted with PTC's built-in key, which Outpost does not have; seal the plain value with `outpost secret encrypt` instead"),
        Case(name: "virtual dir relative", json: file(#""file":{"virtual_dirs":[{"tw":"relative/dir"}]}"#),
             severity: .error, path: "file.virtual_dirs[0].tw", message: "must be an absolute path, got \"relative/dir\""),
        Case(name: "file idle below frame timeout", json: file(#""file":{"idle_timeout":5000}"#),
             severity: .warning, path: "file.idle_timeout",
             message: "idle_timeout (5000) cannot be less than ws_connection.frame_read_timeout (10000); using 1.2 × frame_read_timeout = 12000"),
        Case(name: "duplicate key", json: #"{"ws_servers":[{"host":"p","port":443}],"appKey":"enc:v1:AA","http_server":{"user":"u","password":"enc:v1:AA","port":1,"port":2}}"#,
             severity: .warning, path: "http_server.port", message: "key appears twice (first at line 1); the last value is used"),
        Case(name: "group is a string", json: file(#""logger":"INFO""#),
             severity: .error, path: "logger", message: "expected an object { … }, got \"INFO\""),
        Case(name: "resource without slash", json: file(#""resource":"Thingworx/WS""#),
             severity: .error, path: "resource", message: "must start with '/', got \"Thingworx/WS\""),
        Case(name: "top level array", json: "[1,2]",
             severity: .error, path: "", message: "the top level must be a JSON object { … }, got an array", line: 1, column: 1),
        Case(name: "syntax: windows path", json: "{\n  \"file\": {\"staging_dir\": \"C:\\data\\staging\"}\n}",
             severity: .error, path: "",
             message: "invalid escape '\\d' in a string; write a backslash as '\\\\' (Windows paths: C:\\\\dir or C:/dir)", line: 2, column: 30),
        Case(name: "syntax: trailing comma", json: "{\n  \"appKey\": \"x\",\n}",
             severity: .error, path: "", message: "trailing comma before '}'; remove the last ','", line: 3, column: 1),
        Case(name: "syntax: missing comma", json: "{\n  \"appKey\": \"x\"\n  \"resource\": \"/\"\n}",
             severity: .error, path: "", message: "expected ',' or '}' after the value of \"appKey\"; a ',' is probably missing", line: 3, column: 3),
        Case(name: "syntax: comment", json: "{\n  // the platform\n  \"appKey\": \"x\"\n}",
             severity: .error, path: "", message: "comments are not allowed in JSON; remove them", line: 2, column: 3),
        Case(name: "syntax: unquoted word", json: "{\"http_server\": {\"ssl\": yes}}",
             severity: .error, path: "", message: "unexpected 'yes'; expected a value (text must be in double quotes)", line: 1, column: 25),
        Case(name: "syntax: empty file", json: "  \n",
             severity: .error, path: "", message: "the file is empty; expected a JSON object", line: 2, column: 1),
    ]

    @Test(arguments: cases)
    func badConfig_isReportedAtItsPathWithItsMessage(_ testCase: Case) throws {
        let result = EMSConfig.load(testCase.json, notYetUsed: false)
        let match = result.findings.first { $0.path == testCase.path && $0.message == testCase.message }
        let finding = try #require(match, "findings were: \(result.findings.map(\.description))")
        #expect(finding.severity == testCase.severity)
        if let line = testCase.line { #expect(finding.position?.line == line) }
        if let column = testCase.column { #expect(finding.position?.column == column) }
        #expect(result.hasErrors == (testCase.severity == .error))
    }

    @Test func severalProblems_areAllReportedInOneRun() {
        let json = #"""
        {
          "ws_servers": [ { "host": "p", "port": "443" } ],
          "http_server": { "port": 0, "ssl": "no", "user": "u", "password": "x" },
          "loger": { "level": "INFO" },
          "auto_bind": { "name": "T" }
        }
        """#
        let result = EMSConfig.load(json, notYetUsed: false)
        let paths = Set(result.findings.filter { $0.severity == .error }.map(\.path))
        #expect(paths == ["ws_servers[0].port", "http_server.port", "http_server.ssl", "auto_bind", "appKey"])
        #expect(result.findings.contains { $0.path == "loger" && $0.message.contains("did you mean \"logger\"") })
    }

    @Test func typeError_pointsAtTheValue() throws {
        let json = "{\n  \"ws_servers\": [{\"host\": \"p\", \"port\": 443}],\n  \"appKey\": \"k\",\n  \"http_server\": {\"user\": \"u\", \"password\": \"p\",\n    \"port\": \"80a\"}\n}"
        let result = EMSConfig.load(json, notYetUsed: false)
        let finding = try #require(result.findings.first { $0.path == "http_server.port" })
        #expect(finding.formatted(file: "config.json") == "config.json:5:13: error: http_server.port: expected an integer 1–65535, got \"80a\"")
    }
}
