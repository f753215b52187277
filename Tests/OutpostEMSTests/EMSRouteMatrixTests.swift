import Foundation
import OutpostTestSupport
import OutpostWire
import Testing

/// `outpost ems` and `outpost platform` as processes, driven with curl (and python3 for what curl will
/// not send): every route with TLS on and off, authentication on and off; every bad-client case; the
/// offline answers; Restart.
@Suite("outpost ems routes over real sockets", .blockingWork)
struct EMSRouteMatrixTests {
    struct Running {
        let directory: String
        let platform: ChildProcess
        let ems: ChildProcess
        let base: String
        let admin: Int
        let tls: Bool
        let auth: Bool
        var port: Int { Int(base.split(separator: ":").last ?? "") ?? 0 }
        var certificate: String { directory + "/state/ems-https.crt" }

        var curlBase: [String] {
            var arguments = ["-s", "-S", "--max-time", "20"]
            if tls { arguments += ["--cacert", certificate] }
            if auth { arguments += ["-u", "emsuser:matrix-pass"] }
            return arguments
        }

        /// Status, headers and body of one curl request.
        func curl(_ method: String, _ path: String, body: String? = nil, extra: [String] = []) async throws -> EMSHarness.Reply {
            var arguments = curlBase + ["-i"]
            arguments += method == "HEAD" ? ["-I"] : ["-X", method]
            if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
            arguments += extra
            arguments.append(base + path)
            return try EMSHarness.parse(try await EMSHarness.run("/usr/bin/curl", arguments))
        }

        /// Raw bytes over TCP or TLS; everything the server sent until it closed, with `<<NOT CLOSED>>`
        /// appended if it was still open after 10 s.
        func raw(_ payload: String, holdOpenSeconds: Double = 0) async throws -> String {
            let script = """
                import socket, ssl, sys, time, base64
                s = socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=10)
                if sys.argv[3]:
                    s = ssl.create_default_context(cafile=sys.argv[3]).wrap_socket(s, server_hostname="127.0.0.1")
                s.sendall(base64.b64decode(sys.argv[1]))
                time.sleep(float(sys.argv[4]))
                data = b""
                while True:
                    try:
                        chunk = s.recv(65536)
                    except Exception:
                        data += b"<<NOT CLOSED>>"
                        break
                    if not chunk:
                        break
                    data += chunk
                sys.stdout.write(data.decode("utf-8", "replace"))
                """
            return try await EMSHarness.run(
                EMSHarness.python,
                ["-c", script, Data(payload.utf8).base64EncodedString(), "\(port)", tls ? certificate : "", "\(holdOpenSeconds)"])
        }

        func adminGet(_ path: String) async throws -> String {
            try await EMSHarness.run("/usr/bin/curl", ["-s", "-H", "Authorization: Bearer matrix-admin-token", "http://127.0.0.1:\(admin)\(path)"])
        }

        func stop() {
            ems.terminate()
            platform.terminate()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// Starts the platform and an EMS connected to it. `httpExtra` and `topExtra` are spliced into
    /// http_server and the top level of config.json.
    static func launch(tls: Bool, auth: Bool, httpExtra: String = "", topExtra: String = "", logLevel: String = "info") async throws -> Running {
        let directory = NSTemporaryDirectory() + "outpost-ems-matrix-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let environment = ["OUTPOST_SECRET_KEY_FILE": directory + "/secret.key"]
        try #"""
            { "listen": { "host": "127.0.0.1", "port": 0, "resource": "/Thingworx/WS" },
              "app_keys": ["matrix-app-key"],
              "admin": { "host": "127.0.0.1", "port": 0, "token": "matrix-admin-token" } }
            """#.write(toFile: directory + "/platform.json", atomically: true, encoding: .utf8)
        let platform = try ChildProcess(["platform", "--config", directory + "/platform.json"], environment: environment)
        let listening = try #require(await platform.line(startingWith: "listening"), "platform: \(platform.stderr)")
        let ports = Dictionary(uniqueKeysWithValues: listening.split(separator: " ").dropFirst().compactMap { part -> (String, Int)? in
            let pair = part.split(separator: "=")
            return pair.count == 2 ? (String(pair[0]), Int(pair[1]) ?? 0) : nil
        })
        let credentials = auth ? #""authenticate": true, "user": "emsuser", "password": "matrix-pass""# : #""authenticate": false"#
        try #"""
            { "ws_servers": [{ "host": "127.0.0.1", "port": \#(try #require(ports["alwayson"])) }],
              "appKey": "matrix-app-key",
              "ws_connection": { "encryption": "none", "connect_retry_interval": 200 },
              \#(topExtra)
              "http_server": { "host": "127.0.0.1", "port": \#(try freePort()), "ports_to_try": 20, "ssl": \#(tls), \#(credentials) \#(httpExtra) } }
            """#.write(toFile: directory + "/config.json", atomically: true, encoding: .utf8)
        let ems = try ChildProcess(
            ["ems", "--config", directory + "/config.json", "--state-dir", directory + "/state", "--log-level", logLevel], environment: environment)
        let emsLine = try #require(await ems.line(startingWith: "listening "), "ems: \(ems.stderr)")
        let running = Running(
            directory: directory, platform: platform, ems: ems, base: String(emsLine.dropFirst("listening ".count)),
            admin: try #require(ports["admin"]), tls: tls, auth: auth)
        #expect(await ems.line { $0.contains("connected to the platform") } != nil, "ems: \(ems.stderr)")
        return running
    }

    @Test(arguments: [false, true], [false, true])
    func everyRoute(tls: Bool, auth: Bool) async throws {
        let run = try await Self.launch(tls: tls, auth: auth)
        defer { run.stop() }
        #expect(run.base.hasPrefix(tls ? "https://" : "http://"))
        let isc = "/Thingworx/Things/LocalEms/Properties/isConnected"

        let connected = try await run.curl("GET", isc)
        #expect(connected.status == 200)
        #expect(connected.body.hasPrefix(#"{"rows":[{"isConnected":true}],"dataShape":"#))
        let head = try await run.curl("HEAD", isc)
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == String(connected.body.utf8.count))
        #expect(head.body.isEmpty)
        let options = try await run.curl("OPTIONS", isc)
        #expect(options.status == 204)
        #expect(options.header("Allow")?.contains("DELETE") == true)
        let patch = try await run.curl("PATCH", isc, body: "{}")
        #expect(patch.status == 405)
        #expect(patch.header("Allow") != nil)

        // Properties: PUT one, PUT several, GET one, GET all, through the platform.
        let put = try await run.curl("PUT", "/Thingworx/Things/Pump01/Properties/Temperature", body: #"{"Temperature": 21.5}"#)
        #expect(put.status == 200)
        let multi = try await run.curl("PUT", "/Thingworx/Things/Pump01/Properties/*", body: #"{"Pressure": 2, "Mode": "auto"}"#)
        #expect(multi.status == 200, "\(multi.body)")
        #expect(try await run.adminGet("/admin/things/Pump01").contains("21.5"))
        let one = try await run.curl("GET", "/Thingworx/Things/Pump01/Properties/Temperature")
        #expect(one.body.hasPrefix(#"{"rows":[{"Temperature":21.5}]"#), "\(one.body)")
        let missing = try await run.curl("GET", "/Thingworx/Things/Pump01/Properties/Nope")
        #expect(missing.status == 404)
        // Services: plain JSON and InfoTable parameters; unknown service → the platform's 404.
        let push = try await run.curl(
            "POST", "/Thingworx/Things/Pump01/Services/UpdateSubscribedPropertyValues",
            body: #"{"values":{"dataShape":{"fieldDefinitions":{"name":{"name":"name","baseType":"STRING"},"value":{"name":"value","baseType":"VARIANT"},"time":{"name":"time","baseType":"DATETIME"},"quality":{"name":"quality","baseType":"STRING"}}},"rows":[{"name":"Level","value":{"baseType":"NUMBER","value":7},"time":1700000000000,"quality":"GOOD"}]}}"#)
        #expect(push.status == 200, "\(push.body)")
        let unknownService = try await run.curl(
            "POST", "/Thingworx/Things/Pump01/Services/NoSuch",
            body: #"{"dataShape":{"fieldDefinitions":{"v":{"name":"v","baseType":"NUMBER"}}},"rows":[{"v":3.2}]}"#)
        #expect(unknownService.status == 404)
        let event = try await run.curl("POST", "/Thingworx/Things/Pump01/Events/Alarm", body: #"{"message":"door open","severity":2}"#)
        #expect(event.status == 200)
        // LocalEms services.
        let version = try await run.curl("POST", "/Thingworx/Things/LocalEms/Services/GetMicroServerVersion", body: "{}")
        #expect(version.body.contains("5.4.0.114"))
        let configuration = try await run.curl("POST", "/Thingworx/Things/LocalEms/Services/GetConfiguration", body: "{}")
        #expect(configuration.status == 200)
        #expect(!configuration.body.contains("matrix-pass") && !configuration.body.contains("matrix-app-key"))
        let add = try await run.curl(
            "POST", "/Thingworx/Things/LocalEms/Services/AddEdgeThing", body: #"{"name":"Edge09","host":"127.0.0.1","port":"18009"}"#)
        #expect(add.status == 200)
        let has = try await run.curl("POST", "/Thingworx/Things/LocalEms/Services/HasEdgeThing", body: #"{"name":"Edge09"}"#)
        #expect(has.body.contains(#""result":true"#))
        let list = try await run.curl("POST", "/Thingworx/Things/LocalEms/Services/GetEdgeThings", body: "{}")
        #expect(list.body.contains(#""name":"Edge09""#))
        let remove = try await run.curl("POST", "/Thingworx/Things/LocalEms/Services/RemoveEdgeThing", body: #"{"name":"Edge09"}"#)
        #expect(remove.status == 200)
        let testPort = try await run.curl("POST", "/Thingworx/Things/LocalEms/Services/TestPort", body: #"{"host":"127.0.0.1","port":\#(run.port)}"#)
        #expect(testPort.body.contains(#""result":true"#))
        // Errors of the URL grammar.
        let collection = try await run.curl("GET", "/Thingworx/Things")
        #expect(collection.status == 404)
        let characteristic = try await run.curl("GET", "/Thingworx/Things/Pump01/Widgets/x")
        #expect(characteristic.status == 400)
        let root = try await run.curl("GET", "/other")
        #expect(root.status == 404)
        // Authentication.
        let anonymous = try await EMSHarness.run(
            "/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}"] + (tls ? ["--cacert", run.certificate] : []) + [run.base + isc])
        #expect(anonymous == (auth ? "401" : "200"))
    }

    @Test func badClientsAgainstTheProcess() async throws {
        let run = try await Self.launch(
            tls: true, auth: true, httpExtra: #", "content_read_timeout": 500, "max_clients": 3"#,
            topExtra: #""auto_bind": [{ "name": "Edge01", "host": "127.0.0.1", "port": 1, "password": "edge-secret-x" }], "#,
            logLevel: "trace")
        defer { run.stop() }
        let service = "/Thingworx/Things/Pump01/Services/Go"
        // Malformed JSON: what and where.
        let malformed = try await run.curl("POST", service, body: #"{"a": 1,, "b": 2}"#)
        #expect(malformed.status == 400)
        #expect(malformed.body.contains("Invalid JSON") && malformed.body.contains("8"), "\(malformed.body)")
        // Wrong type for a property: named.
        let wrongType = try await run.curl(
            "PUT", "/Thingworx/Things/Pump01/Properties/Temperature",
            body: #"{"dataShape":{"fieldDefinitions":{"Temperature":{"name":"Temperature","baseType":"NUMBER"}}},"rows":[{"Temperature":"hot"}]}"#)
        #expect(wrongType.status == 400)
        #expect(wrongType.body.contains("Temperature"))
        // 413: a body over ws_connection.max_msg_size (default 1 MiB).
        let bigPath = run.directory + "/big.json"
        try ("{\"v\":\"" + String(repeating: "x", count: 1_100_000) + "\"}").write(toFile: bigPath, atomically: true, encoding: .utf8)
        let big = try await run.curl("POST", service, extra: ["-H", "Content-Type: application/json", "--data-binary", "@" + bigPath])
        #expect(big.status == 413)
        // 414 and 431.
        let longURI = try await run.curl("GET", "/Thingworx/Things/" + String(repeating: "a", count: 9000) + "/Properties/x")
        #expect(longURI.status == 414)
        let hugeHeader = try await run.curl("GET", "/Thingworx/Things/LocalEms/Properties/isConnected", extra: ["-H", "X-Big: " + String(repeating: "b", count: 20000)])
        #expect(hugeHeader.status == 431)
        // 408: the body stalls past content_read_timeout.
        let basic = "Basic " + Data("emsuser:matrix-pass".utf8).base64EncodedString()
        let stalled = try await run.raw(
            "POST \(service) HTTP/1.1\r\nHost: x\r\nAuthorization: \(basic)\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\"")
        #expect(stalled.hasPrefix("HTTP/1.1 408"), "\(stalled.prefix(200))")
        #expect(!stalled.contains("<<NOT CLOSED>>"))
        // Garbage request line: 400 and the connection closed (raw() returns only once the server closes).
        let garbage = try await run.raw("HELLO\r\n\r\n")
        #expect(garbage.hasPrefix("HTTP/1.1 400"), "\(garbage.prefix(200))")
        #expect(!garbage.contains("<<NOT CLOSED>>"), "the server must close after a garbage request line")
        // Plain HTTP to the TLS port: 400 with a hint.
        let plain = try await EMSHarness.run(
            "/usr/bin/curl", ["-s", "-i", "--max-time", "10", "http://127.0.0.1:\(run.port)/Thingworx/Things/LocalEms/Properties/isConnected"])
        #expect(plain.hasPrefix("HTTP/1.1 400") && plain.contains("HTTPS"))
        // More than max_clients connections.
        let auth = Data("emsuser:matrix-pass".utf8).base64EncodedString()
        let limits = try await EMSHarness.run(
            EMSHarness.python, ["-c", ConnectionLimitTests.script, "\(run.port)", "3", "1", run.certificate, auth])
        let result = try JSONValue(parsing: Array(limits.utf8))
        #expect(result["extra"] == .integer(503), "\(limits)")
        #expect(result["extraClosed"] == .bool(true))
        #expect(result["afterRelease"] == .integer(200))
        // Ten failed logins from one address within a minute → 429 with Retry-After, even with the right password.
        for attempt in 0..<10 {
            let wrong = try await EMSHarness.run(
                "/usr/bin/curl",
                ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", run.certificate, "-u", "emsuser:guess-\(attempt)",
                 run.base + "/Thingworx/Things/LocalEms/Properties/isConnected"])
            #expect(wrong == "401")
        }
        let blocked = try await run.curl("GET", "/Thingworx/Things/LocalEms/Properties/isConnected")
        #expect(blocked.status == 429)
        #expect(Int(blocked.header("Retry-After") ?? "") ?? 0 > 0)
        // Nothing a client sent, and no configured secret, reached the log, even at trace level.
        let log = run.ems.allOutput
        for secret in ["matrix-pass", "matrix-app-key", "edge-secret-x", "guess-3", basic] {
            #expect(!log.contains(secret), "\(secret) is in the log")
        }
        #expect(run.ems.process.isRunning)
    }

    @Test func offlineAnswersAndRestart() async throws {
        let run = try await Self.launch(tls: false, auth: true)
        defer { run.stop() }
        run.platform.terminate()
        let deadline = Date().addingTimeInterval(20)
        var offline = false
        while Date() < deadline {
            if try await run.curl("GET", "/Thingworx/Things/LocalEms/Properties/isConnected").body.contains(#""isConnected":false"#) {
                offline = true
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(offline, "isConnected must turn false when the platform goes away")
        let read = try await run.curl("GET", "/Thingworx/Things/Pump01/Properties/Temperature")
        #expect(read.status == 503)
        #expect(Int(read.header("Retry-After") ?? "") ?? 0 > 0)
        let call = try await run.curl("POST", "/Thingworx/Things/Pump01/Services/Go", body: "{}")
        #expect(call.status == 503)
        #expect(call.header("Retry-After") != nil)
        // Writes: 503 with Retry-After until the outbox takes them (then a durable 202).
        let write = try await run.curl("PUT", "/Thingworx/Things/Pump01/Properties/Temperature", body: #"{"Temperature": 1}"#)
        #expect(write.status == 202 || (write.status == 503 && write.header("Retry-After") != nil), "\(write.status)")
        // LocalEms still answers.
        let version = try await run.curl("POST", "/Thingworx/Things/LocalEms/Services/GetMicroServerVersion", body: "{}")
        #expect(version.status == 200)

        // Restart from loopback (rest_interface.restart defaults to "local"): clean exit with status 75.
        let restart = try await run.curl("POST", "/Thingworx/Things/LocalEms/Services/Restart", body: "{}")
        #expect(restart.status == 200)
        #expect(await run.ems.exitStatus(within: 15) == 75, "ems: \(run.ems.stderr)")
    }
}
