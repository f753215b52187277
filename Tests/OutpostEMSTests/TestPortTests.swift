import Foundation
import OutpostConfig
import OutpostEMS
import OutpostWire
import Testing
import OutpostTestSupport

/// LocalEms `TestPort` with `useSSL` (a verified TLS handshake) and `useProxy` (HTTP CONNECT through
/// the configured proxy, a python3 one here), against real listeners on 127.0.0.1.
@Suite("LocalEms TestPort", .blockingWork)
struct TestPortTests {
    static let path = "/Thingworx/Things/LocalEms/Services/TestPort"

    static func result(_ reply: EMSHarness.Reply) -> Bool? {
        guard case .array(let rows)? = reply.json?["rows"], let row = rows.first else { return nil }
        if case .bool(let value)? = row["result"] { return value }
        return nil
    }

    @Test func useSSLDoesAVerifiedHandshake() async throws {
        // A: TLS with a certificate from a private CA that certificates.cert_chain trusts.
        let (caPath, server) = try await TestTLS.privateCA()
        let trusted = try await EMSHarness.start(tls: true) { settings in
            settings.tls = server.context
            settings.edgeTrustRoots = [caPath]
        }
        defer { trusted.stop() }
        // B: TLS with a self-signed certificate nobody trusts. C: plain HTTP.
        let untrusted = try await EMSHarness.start(tls: true)
        defer { untrusted.stop() }
        let plain = try await EMSHarness.start(tls: false)
        defer { plain.stop() }

        func testPort(_ port: Int, ssl: Bool) async throws -> Bool? {
            let reply = try await trusted.curl(
                "POST", Self.path, body: #"{"host":"127.0.0.1","port":\#(port),"useSSL":\#(ssl)}"#,
                extra: ["--cacert", caPath])
            #expect(reply.status == 200, "\(reply.body)")
            return Self.result(reply)
        }
        #expect(try await testPort(trusted.port, ssl: true) == true, "a CA from cert_chain verifies the handshake")
        #expect(try await testPort(untrusted.port, ssl: true) == false, "an untrusted certificate fails the probe")
        #expect(try await testPort(plain.port, ssl: true) == false, "a plain HTTP port is no TLS port")
        #expect(try await testPort(plain.port, ssl: false) == true, "without useSSL the connect is the test")
        // useSSL as the string the original's clients send.
        let stringFlag = try await trusted.curl(
            "POST", Self.path, body: #"{"host":"127.0.0.1","port":\#(plain.port),"useSSL":"true"}"#, extra: ["--cacert", caPath])
        #expect(Self.result(stringFlag) == false)
    }

    @Test func useProxyWithoutAProxyIsRefusedWithTheReason() async throws {
        let ems = try await EMSHarness.start()
        defer { ems.stop() }
        let reply = try await ems.curl("POST", Self.path, body: #"{"host":"127.0.0.1","port":\#(ems.port),"useProxy":true}"#)
        #expect(reply.status == 400)
        #expect(reply.json?["message"]?.stringValue?.contains("useProxy is not supported by this EMS: config.json has no proxy") == true, "\(reply.body)")
    }

    @Test func useProxyConnectsThroughTheConfiguredProxy() async throws {
        let proxy = try await ConnectProxy.start(user: "proxy-user", password: "proxy-pass")
        defer { proxy.stop() }
        let (caPath, server) = try await TestTLS.privateCA()
        let target = try await EMSHarness.start(tls: true) { settings in
            settings.tls = server.context
            settings.edgeTrustRoots = [caPath]
        }
        defer { target.stop() }
        func probingEMS(password: String) async throws -> EMSHarness {
            try await EMSHarness.start { settings in
                var config = ProxyConfig()
                config.host = "127.0.0.1"
                config.port = proxy.port
                config.user = "proxy-user"
                config.password = ConfigSecret(password)
                settings.proxy = config
                settings.edgeTrustRoots = [caPath]
            }
        }
        let ems = try await probingEMS(password: "proxy-pass")
        defer { ems.stop() }
        let tunnelled = try await ems.curl("POST", Self.path, body: #"{"host":"127.0.0.1","port":\#(target.port),"useProxy":true,"useSSL":true}"#)
        #expect(Self.result(tunnelled) == true, "\(tunnelled.body)")
        let plainTunnel = try await ems.curl("POST", Self.path, body: #"{"host":"127.0.0.1","port":\#(target.port),"useProxy":true}"#)
        #expect(Self.result(plainTunnel) == true, "\(plainTunnel.body)")
        #expect(proxy.log.contains("CONNECT 127.0.0.1:\(target.port) auth-ok"), "proxy log: \(proxy.log)")

        // The proxy refuses wrong credentials (407): the port is not reachable that way.
        let wrong = try await probingEMS(password: "not-the-password")
        defer { wrong.stop() }
        let refused = try await wrong.curl("POST", Self.path, body: #"{"host":"127.0.0.1","port":\#(target.port),"useProxy":true}"#)
        #expect(Self.result(refused) == false, "\(refused.body)")
        #expect(proxy.log.contains("CONNECT 127.0.0.1:\(target.port) auth-bad"), "proxy log: \(proxy.log)")
    }
}

/// A small HTTP CONNECT proxy (python3) with Basic proxy authentication; it logs one line per
/// CONNECT to a file and relays bytes both ways.
struct ConnectProxy {
    let process: Process
    let port: Int
    let logPath: String

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    static let script = """
        import base64, socket, sys, threading
        expected = "Basic " + base64.b64encode((sys.argv[1] + ":" + sys.argv[2]).encode()).decode()
        log = open(sys.argv[3], "a", buffering=1)
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        with open(sys.argv[4] + ".tmp", "w") as f:
            f.write(str(server.getsockname()[1]))
        import os
        os.rename(sys.argv[4] + ".tmp", sys.argv[4])
        def pump(a, b):
            try:
                while True:
                    data = a.recv(65536)
                    if not data:
                        break
                    b.sendall(data)
            except Exception:
                pass
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except Exception:
                    pass
        def handle(client):
            head = b""
            while b"\\r\\n\\r\\n" not in head:
                chunk = client.recv(4096)
                if not chunk:
                    client.close()
                    return
                head += chunk
            lines = head.split(b"\\r\\n\\r\\n")[0].decode().split("\\r\\n")
            target = lines[0].split(" ")[1]
            auth = [l.split(":", 1)[1].strip() for l in lines[1:] if l.lower().startswith("proxy-authorization:")]
            ok = auth == [expected]
            log.write("CONNECT %s %s\\n" % (target, "auth-ok" if ok else "auth-bad"))
            if not ok:
                client.sendall(b"HTTP/1.1 407 Proxy Authentication Required\\r\\nContent-Length: 0\\r\\n\\r\\n")
                client.close()
                return
            host, port = target.rsplit(":", 1)
            upstream = socket.create_connection((host, int(port)), timeout=10)
            client.sendall(b"HTTP/1.1 200 Connection established\\r\\n\\r\\n")
            threading.Thread(target=pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=pump, args=(upstream, client), daemon=True).start()
        while True:
            client, _ = server.accept()
            threading.Thread(target=handle, args=(client,), daemon=True).start()
        """

    static func start(user: String, password: String) async throws -> ConnectProxy {
        let directory = NSTemporaryDirectory() + "outpost-ems-proxy-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: EMSHarness.python)
        process.arguments = ["-c", script, user, password, directory + "/log", directory + "/port"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: directory + "/port", encoding: .utf8), let port = Int(text) {
                return ConnectProxy(process: process, port: port, logPath: directory + "/log")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        Self.end(process)
        throw HarnessError("the python CONNECT proxy did not start within 60 s")
    }

    func stop() {
        Self.end(process)
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: logPath).deletingLastPathComponent().path)
    }

    /// SIGKILL, then reap. `terminate()` (SIGTERM) is not enough: the child inherits the signal mask of the
    /// Swift thread that spawned it, which blocks SIGTERM, so python never sees it and outlives the test run.
    private static func end(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
