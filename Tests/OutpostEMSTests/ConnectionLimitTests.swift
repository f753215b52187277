import Foundation
import OutpostEMS
import OutpostWire
import Testing

/// `max_clients` counts client connections: real sockets (plain and TLS) held open by a python3 client.
@Suite("max_clients")
struct ConnectionLimitTests {
    /// The python client both scripts start with: arguments, TCP and TLS connections, and one
    /// authenticated isConnected GET that returns the status and the headers (with the body).
    static let client = """
        import socket, ssl, sys, time, json, os
        port, limit, tls, cafile, auth = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1", sys.argv[4], sys.argv[5]
        ctx = ssl.create_default_context(cafile=cafile) if tls else None
        def tcp():
            return socket.create_connection(("127.0.0.1", port), timeout=10)
        def wrap(s):
            return ctx.wrap_socket(s, server_hostname="127.0.0.1") if tls else s
        def connect():
            return wrap(tcp())
        def request(s):
            s.sendall(("GET /Thingworx/Things/LocalEms/Properties/isConnected HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n"
                       "Authorization: Basic " + auth + "\\r\\n\\r\\n").encode())
            data = b""
            while b"\\r\\n\\r\\n" not in data:
                chunk = s.recv(65536)
                if not chunk:
                    return None, {}
                data += chunk
            head, _, body = data.partition(b"\\r\\n\\r\\n")
            lines = head.decode().split("\\r\\n")
            headers = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in lines[1:]}
            length = int(headers.get("content-length", "0"))
            while len(body) < length:
                chunk = s.recv(65536)
                if not chunk:
                    break
                body += chunk
            headers["body"] = body.decode("utf-8", "replace")
            return int(lines[0].split()[1]), headers

        """

    /// Holds `limit` keep-alive connections (each answered once, so the server has admitted them), opens
    /// one more, then closes one held connection and polls until a new connection is served again.
    static let script = client + """
        def closed_by_server(s):
            try:
                return s.recv(1) == b""
            except Exception:
                return True
        held = [connect() for _ in range(limit)]
        held_status = [request(s)[0] for s in held]
        extra = connect()
        status, headers = request(extra)
        result = {"held": held_status, "extra": status, "retryAfter": headers.get("retry-after"),
                  "body": headers.get("body", ""), "extraClosed": closed_by_server(extra)}
        held.pop().close()
        deadline = time.time() + 10
        after = None
        while time.time() < deadline:
            s = connect()
            after = request(s)[0]
            s.close()
            if after == 200:
                break
            time.sleep(0.05)
        result["afterRelease"] = after
        result["stillServed"] = request(held[0])[0]
        print(json.dumps(result))
        """

    @Test(arguments: [false, true])
    func connectionsBeyondMaxClientsGet503AndClose(tls: Bool) async throws {
        let ems = try await EMSHarness.start(tls: tls) { $0.maxClients = 3 }
        defer { ems.stop() }
        let auth = Data("\(ems.user):\(ems.password)".utf8).base64EncodedString()
        let output = try await EMSHarness.run(
            EMSHarness.python,
            ["-c", Self.script, "\(ems.port)", "3", tls ? "1" : "0", ems.tls?.certificatePath ?? "", auth])
        let result = try JSONValue(parsing: Array(output.utf8))
        #expect(result["held"] == .array([.integer(200), .integer(200), .integer(200)]), "\(output)")
        #expect(result["extra"] == .integer(503), "\(output)")
        #expect(result["retryAfter"]?.stringValue == "1")
        #expect(result["body"]?.stringValue?.contains("overloaded") == true)
        #expect(result["extraClosed"] == .bool(true), "the refused connection must be closed")
        #expect(result["afterRelease"] == .integer(200), "a freed slot must serve again: \(output)")
        #expect(result["stillServed"] == .integer(200), "held connections keep working")
    }

    /// Holds `limit` served connections and `limit` refused ones (connected, nothing sent yet), tells
    /// the test it is ready (a file in the sync directory) and waits for its go, given once the server
    /// counts all of them. Then every new connection is beyond twice the limit and must be closed
    /// without a byte. On failure it reports which held or refused socket the server had closed.
    static let floodScript = client + """
        sync = sys.argv[6]
        def everything(s):
            data = b""
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
            except Exception:
                pass
            return data
        def state(s):
            probe = socket.socket(fileno=os.dup(s.fileno()))
            try:
                return "closed" if probe.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"" else "readable"
            except BlockingIOError:
                return "open"
            except Exception as e:
                return str(e)
            finally:
                probe.close()
        held = [connect() for _ in range(limit)]
        held_status = [request(s)[0] for s in held]
        refused = [tcp() for _ in range(limit)]
        open(os.path.join(sync, "ready"), "w").close()
        deadline = time.time() + 30
        while not os.path.exists(os.path.join(sync, "go")) and time.time() < deadline:
            time.sleep(0.01)
        dropped, probes, answers = False, 0, []
        deadline = time.time() + 15
        while time.time() < deadline and not dropped:
            s = tcp()
            probes += 1
            try:
                s.sendall(b"GET /Thingworx/Things/LocalEms/Properties/isConnected HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n")
            except Exception:
                pass
            data = everything(s)
            s.close()
            if data == b"":
                dropped = True
            else:
                answers.append(data[:12].decode("latin-1"))
        result = {"held": held_status, "dropped": dropped, "probes": probes, "answers": answers[:5],
                  "heldStates": [state(s) for s in held], "refusedStates": [state(s) for s in refused]}
        result["heldStillServed"] = request(held[0])[0]
        result["refusedAnswer"] = request(wrap(refused[0]))[0]
        print(json.dumps(result))
        """

    @Test(arguments: [false, true])
    func connectionsBeyondTwiceMaxClientsAreClosedWithoutAnswer(tls: Bool) async throws {
        let ems = try await EMSHarness.start(tls: tls) { $0.maxClients = 2 }
        defer { ems.stop() }
        let auth = Data("\(ems.user):\(ems.password)".utf8).base64EncodedString()
        let sync = NSTemporaryDirectory() + "outpost-max-clients-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: sync, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: sync) }
        let flood = Task {
            try await EMSHarness.run(
                EMSHarness.python,
                ["-c", Self.floodScript, "\(ems.port)", "2", tls ? "1" : "0", ems.tls?.certificatePath ?? "", auth, sync])
        }
        // Wait for the client to hold its four connections, then for the server to count them all:
        // accepting and admitting run on the event loops, after the client's connect has returned.
        var counted = -1
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if FileManager.default.fileExists(atPath: sync + "/ready") {
                counted = ems.server.openConnections
                if counted >= 4 { break }
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        _ = FileManager.default.createFile(atPath: sync + "/go", contents: nil)
        let output = try await flood.value
        let result = try JSONValue(parsing: Array(output.utf8))
        #expect(counted == 4, "the server should count 2 served + 2 refused connections before the probes: \(counted); \(output)")
        #expect(result["held"] == .array([.integer(200), .integer(200)]), "\(output)")
        #expect(result["dropped"] == .bool(true), "no connection beyond 2 × max_clients was closed without an answer: \(output)")
        #expect(result["probes"] == .integer(1), "the first probe after all four are counted must be dropped: \(output)")
        #expect(result["heldStillServed"] == .integer(200), "\(output)")
        #expect(result["refusedAnswer"] == .integer(503), "a connection between the limit and twice it gets 503: \(output)")
    }
}
