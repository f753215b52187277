import Foundation
import Testing
import OutpostTestSupport

/// `outpost ems` and `outpost platform` as processes, in the situations an operator's setup produces:
/// a log reader that goes away, a key file named on the command line, a port that is taken.
@Suite("outpost processes: broken pipes, --key-file, bind errors", .blockingWork)
struct ProcessRobustnessTests {
    /// A scratch directory removed at the end.
    struct Scratch {
        let root = NSTemporaryDirectory() + "outpost-ems-robust-" + UUID().uuidString
        init() throws { try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true) }
        func path(_ name: String) -> String { root + "/" + name }
        func remove() { try? FileManager.default.removeItem(atPath: root) }
    }

    /// Polls `file` until a line starting with `prefix` appears or `timeout` seconds pass.
    static func line(in file: String, startingWith prefix: String, timeout: Double = 60) async -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) { return String(line) }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// The log reader goes away: stderr is a pipe whose read end is closed as soon as the process
    /// starts, so every log line (trace level: one per request) fails with EPIPE. The EMS must keep
    /// answering, and must not die of SIGPIPE when it shuts down (which logs too).
    @Test func emsKeepsServingWhenItsStderrReaderIsGone() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let port = try freePort()
        try #"""
            { "ws_servers": [{ "host": "127.0.0.1", "port": 1 }], "appKey": "unused-app-key",
              "ws_connection": { "encryption": "none", "connect_retry_interval": 60000 },
              "http_server": { "host": "127.0.0.1", "port": \#(port), "ports_to_try": 20, "ssl": false,
                               "authenticate": true, "user": "emsuser", "password": "pipe-pass" } }
            """#.write(toFile: scratch.path("config.json"), atomically: true, encoding: .utf8)
        chmod(scratch.path("config.json"), 0o600)

        // Our own pipe, close-on-exec in this process, so no process spawned by a parallel test can
        // inherit (and keep open) its read end; the child gets the write end as fd 2. (The moment
        // between pipe() and fcntl() is left open: a spawn in it would only weaken the test.)
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        _ = FileManager.default.createFile(atPath: scratch.path("stdout"), contents: nil)
        let stdout = try #require(FileHandle(forWritingAtPath: scratch.path("stdout")))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ChildProcess.outpostBinary)
        process.arguments = ["ems", "--config", scratch.path("config.json"), "--state-dir", scratch.path("state"), "--log-level", "trace"]
        var environment = ProcessInfo.processInfo.environment
        environment["OUTPOST_SECRET_KEY_FILE"] = scratch.path("secret.key")
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = FileHandle(fileDescriptor: ends[1], closeOnDealloc: false)
        try process.run()
        close(ends[1])
        close(ends[0])
        try? stdout.close()
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }

        let listening = await Self.line(in: scratch.path("stdout"), startingWith: "listening ")
        let base = try #require(listening.map { String($0.dropFirst("listening ".count)) }, "no listening line; running: \(process.isRunning)")
        for attempt in 1...20 {
            let status = try await EMSHarness.run(
                "/usr/bin/curl",
                ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", "-u", "emsuser:pipe-pass",
                 base + "/Thingworx/Things/LocalEms/Properties/isConnected"])
            #expect(status == "200", "request \(attempt) after the stderr reader went away")
            if status != "200" { break }
        }
        #expect(process.isRunning)

        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let diedOfSIGPIPE = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGPIPE
        #expect(!diedOfSIGPIPE, "outpost ems was killed by SIGPIPE")
        #expect(process.terminationReason == .exit, "status \(process.terminationStatus), reason \(process.terminationReason.rawValue)")
    }

    /// `--key-file X` opens every sealed value with X: appKey, http_server.password, an auto_bind
    /// password and the passphrase of the generated HTTPS key. HOME points at an empty directory and
    /// OUTPOST_SECRET_KEY_FILE is unset, so the default path holds no key; nothing may be created there.
    @Test func emsOpensSealedValuesWithTheKeyFileOption() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let keyFile = scratch.path("keys/custom.key")
        let home = scratch.path("home")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let environment = ["OUTPOST_SECRET_KEY_FILE": "", "XDG_CONFIG_HOME": "", "HOME": home]

        func seal(_ secret: String) async throws -> String {
            let output = try await EMSHarness.run(
                "/usr/bin/env",
                ["OUTPOST_SECRET_KEY_FILE=", "XDG_CONFIG_HOME=", "HOME=\(home)", "/bin/sh", "-c",
                 "printf '%s' \"$1\" | \"$2\" secret encrypt --key-file \"$3\"", "seal", secret, ChildProcess.outpostBinary, keyFile])
            let sealed = output.trimmingCharacters(in: .whitespacesAndNewlines)
            guard sealed.hasPrefix("enc:v1:") else { throw HarnessError("outpost secret encrypt printed \(output)") }
            return sealed
        }
        let appKey = try await seal("keyfile-app-key")
        let password = try await seal("keyfile-pass")
        let edgePassword = try await seal("edge-pass")

        let port = try freePort()
        try #"""
            { "ws_servers": [{ "host": "127.0.0.1", "port": 1 }], "appKey": "\#(appKey)",
              "ws_connection": { "encryption": "none", "connect_retry_interval": 60000 },
              "http_server": { "host": "127.0.0.1", "port": \#(port), "ports_to_try": 20, "ssl": true,
                               "authenticate": true, "user": "emsuser", "password": "\#(password)" },
              "auto_bind": [{ "name": "KeyFileThing", "host": "127.0.0.1", "port": 1, "user": "edge", "password": "\#(edgePassword)" }] }
            """#.write(toFile: scratch.path("config.json"), atomically: true, encoding: .utf8)
        chmod(scratch.path("config.json"), 0o600)

        let ems = try ChildProcess(
            ["ems", "--config", scratch.path("config.json"), "--state-dir", scratch.path("state"), "--key-file", keyFile],
            environment: environment)
        defer { ems.terminate() }
        let listening = try #require(await ems.line(startingWith: "listening "), "ems: \(ems.allOutput)")
        let base = String(listening.dropFirst("listening ".count))
        let curl = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", "--cacert", scratch.path("state/ems-https.crt")]
        let url = base + "/Thingworx/Things/LocalEms/Properties/isConnected"
        #expect(try await EMSHarness.run("/usr/bin/curl", curl + ["-u", "emsuser:keyfile-pass", url]) == "200")
        #expect(try await EMSHarness.run("/usr/bin/curl", curl + ["-u", "emsuser:wrong", url]) == "401")
        #expect(!FileManager.default.fileExists(atPath: home + "/.config/outpost/secret.key"), "a key file was created at the default path")
        #expect(!ems.stderr.contains(home), "the default key path was consulted: \(ems.stderr)")
    }

    /// A taken port: the error names the listener (AlwaysOn or admin), its address and the fix.
    @Test(arguments: ["listen", "admin"])
    func platformBindErrorNamesTheListener(taken: String) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let holder = try HeldPort()
        defer { holder.release() }
        let listenPort = taken == "listen" ? holder.port : 0
        let adminPort = taken == "admin" ? holder.port : 0
        try #"""
            { "listen": { "host": "127.0.0.1", "port": \#(listenPort), "resource": "/Thingworx/WS" },
              "app_keys": ["bind-app-key"],
              "admin": { "host": "127.0.0.1", "port": \#(adminPort), "token": "bind-admin-token" } }
            """#.write(toFile: scratch.path("platform.json"), atomically: true, encoding: .utf8)
        let platform = try ChildProcess(
            ["platform", "--config", scratch.path("platform.json")], environment: ["OUTPOST_SECRET_KEY_FILE": scratch.path("secret.key")])
        defer { platform.terminate() }
        let line = try #require(await platform.line(timeout: 60) { $0.hasPrefix("outpost: error: ") }, "platform: \(platform.allOutput)")
        #expect(await platform.exitStatus(within: 30) == 1, "platform: \(platform.allOutput)")
        let listener = taken == "listen" ? "AlwaysOn WebSocket listener (listen.host/listen.port)" : "admin API listener (admin.host/admin.port)"
        #expect(line.contains("cannot start the \(listener) on 127.0.0.1:\(holder.port)"), "\(line)")
        #expect(line.contains("already in use"), "\(line)")
        #expect(line.contains("set \(taken).port to another port"), "\(line)")
    }
}

/// A loopback TCP port held by a listening socket until ``close()``.
struct HeldPort {
    let descriptor: Int32
    let port: Int

    init() throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = descriptor
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 4) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw HarnessError("cannot hold a loopback port")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func release() { close(descriptor) }
}
