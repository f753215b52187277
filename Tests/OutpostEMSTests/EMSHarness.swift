import Foundation
import Logging
import NIOCore
import OutpostEMS
import OutpostSecrets
import OutpostWire
import OutpostTestSupport
import Testing

/// One in-process `EMSServer` on a free loopback port, driven with `/usr/bin/curl`.
struct EMSHarness {
    let server: EMSServer
    let link: ScriptedLink
    let port: Int
    let tls: TestTLS?
    let task: Task<Void, any Error>
    let user = "emsuser"
    let password = "s3cret-pass"

    var baseURL: String { "\(tls == nil ? "http" : "https")://127.0.0.1:\(port)" }

    static func start(
        tls useTLS: Bool = false, auth: Bool = true, link: ScriptedLink = ScriptedLink(), resolver: SecretResolver? = nil,
        configure: (inout EMSSettings) -> Void = { _ in }
    ) async throws -> EMSHarness {
        let tls = useTLS ? try TestTLS.make() : nil
        var settings = EMSSettings(host: "127.0.0.1", port: 0)
        settings.tls = tls?.context
        if auth { settings.auth = BasicAuthVerifier(user: "emsuser", password: SecretValue("s3cret-pass")) }
        settings.maskedConfiguration = .object(["http_server": .object(["user": "emsuser", "password": "********"])])
        // In-process endpoints share this process's event loops and pools with every parallel test: a TLS
        // connection to one took longer than the 3 s default on a loaded machine. (A refused handshake is retried until this
        // timeout, so the tests of refusals wait for it.)
        settings.edgeConnectTimeout = .seconds(10)
        configure(&settings)
        var logger = Logger(label: "test.ems")
        logger.logLevel = .warning
        let server = EMSServer(settings: settings, link: link, resolver: resolver, logger: logger)
        let task = Task { try await server.run() }
        let address = try await server.address()
        return EMSHarness(server: server, link: link, port: address.port ?? 0, tls: tls, task: task)
    }

    func stop() {
        task.cancel()
    }

    struct Reply {
        var status: Int
        var headers: [(String, String)]
        var body: String

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        var json: JSONValue? { try? JSONValue(parsing: body) }
    }

    /// Runs curl; `auth` adds the right credentials.
    func curl(
        _ method: String = "GET", _ path: String, body: String? = nil, contentType: String? = "application/json",
        auth: Bool = true, extra: [String] = []
    ) async throws -> Reply {
        var arguments = ["-s", "-S", "-i", "--max-time", "20", "-X", method]
        if method == "HEAD" { arguments = ["-s", "-S", "-I", "--max-time", "20"] }
        if let tls { arguments += ["--cacert", tls.certificatePath] }
        if auth { arguments += ["-u", "\(user):\(password)"] }
        if let body {
            arguments += ["--data-binary", body]
            if let contentType { arguments += ["-H", "Content-Type: \(contentType)"] }
        }
        arguments += extra
        arguments.append(path.hasPrefix("http") ? path : baseURL + path)
        let output = try await Self.run("/usr/bin/curl", arguments)
        return try Self.parse(output)
    }

    static func parse(_ output: String) throws -> Reply {
        var text = output
        // Skip interim 1xx responses (100 Continue).
        while text.hasPrefix("HTTP/1.1 1"), let end = text.range(of: "\r\n\r\n") {
            text = String(text[end.upperBound...])
        }
        let split = text.range(of: "\r\n\r\n")
        let head = split.map { String(text[..<$0.lowerBound]) } ?? text
        let body = split.map { String(text[$0.upperBound...]) } ?? ""
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else {
            throw HarnessError("no status line in curl output: \(output.prefix(300))")
        }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Reply(status: status, headers: headers, body: body)
    }

    /// Runs a program to completion without blocking the cooperative pool; returns stdout.
    static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        try await TestProcess.run(executable, arguments).output
    }

    /// The system python3 (a version manager's shim on PATH can fail under parallel tests).
    static let python: String = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "/usr/local/bin/python3"

    /// Sends raw bytes over TCP with python3 (for what curl will not send) and returns what came back.
    func raw(_ payload: String, holdOpenSeconds: Double = 0) async throws -> String {
        let script = """
            import socket, sys, time
            s = socket.create_connection(("127.0.0.1", \(port)), timeout=15)
            import base64
            s.sendall(base64.b64decode(sys.argv[1]))
            time.sleep(\(holdOpenSeconds))
            data = b""
            while True:
                try:
                    chunk = s.recv(65536)
                except Exception:
                    break
                if not chunk:
                    break
                data += chunk
            sys.stdout.write(data.decode("utf-8", "replace"))
            """
        return try await Self.run(EMSHarness.python, ["-c", script, Data(payload.utf8).base64EncodedString()])
    }
}

extension EMSHarness {
    /// Sends `first`, pauses, sends `second` on the same connection, and returns the one answer that
    /// comes back (read up to its `Content-Length`), leaving the connection open meanwhile.
    func rawInTwoParts(_ first: String, _ second: String, pauseSeconds: Double) async throws -> String {
        let script = """
            import socket, sys, time, base64
            s = socket.create_connection(("127.0.0.1", \(port)), timeout=15)
            s.sendall(base64.b64decode(sys.argv[1]))
            time.sleep(\(pauseSeconds))
            s.sendall(base64.b64decode(sys.argv[2]))
            data = b""
            while b"\\r\\n\\r\\n" not in data:
                chunk = s.recv(65536)
                if not chunk: break
                data += chunk
            head, _, body = data.partition(b"\\r\\n\\r\\n")
            length = 0
            for line in head.split(b"\\r\\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length": length = int(value.strip())
            while len(body) < length:
                chunk = s.recv(65536)
                if not chunk: break
                body += chunk
            sys.stdout.write((head + b"\\r\\n\\r\\n" + body).decode("utf-8", "replace"))
            """
        return try await Self.run(EMSHarness.python, ["-c", script, Data(first.utf8).base64EncodedString(), Data(second.utf8).base64EncodedString()])
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A port nobody listens on right now (ports_to_try covers the race).
func freePort() throws -> Int {
    try TestProcess.freePort()
}

