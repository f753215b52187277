import Foundation
import OutpostEMS
import OutpostWire
import Testing

/// Local property reads and property writes answered on the event loop (`EMSFastPathHandler`) must be
/// indistinguishable from the same requests answered by the responder, and must not reorder pipelined
/// answers.
@Suite("reads and writes on the event loop")
struct FastPathTests {
    static let isConnected = "/Thingworx/Things/LocalEms/Properties/isConnected"

    /// Pipelined requests (a string of raw HTTP/1.1) sent in one write; each answer in the order it came,
    /// named by `kind` when it is a 200, else by its status.
    private static func pipelinedAnswers(_ ems: EMSHarness, _ requests: (_ auth: String) -> String, kind: (String) -> String) async throws -> [String] {
        let credentials = Data("\(ems.user):\(ems.password)".utf8).base64EncodedString()
        let output = try await ems.raw(requests("Authorization: Basic \(credentials)\r\n"))
        return output.components(separatedBy: "HTTP/1.1 ").dropFirst().map { $0.hasPrefix("200") ? kind($0) : "status \($0.prefix(3))" }
    }

    @Test(arguments: [false, true])
    func answerIsTheSameAsTheResponders(tls: Bool) async throws {
        let ems = try await EMSHarness.start(tls: tls)
        defer { ems.stop() }
        for path in [Self.isConnected, "/Thingworx/Things/LocalEms/Properties", Self.isConnected + "?x=1"] {
            let fast = try await ems.curl("GET", path)
            // A `Connection` field sends the read the full way, through the responder.
            let full = try await ems.curl("GET", path, extra: ["-H", "Connection: keep-alive"])
            #expect(fast.status == 200 && full.status == 200, "\(path): \(fast.status) \(full.status)")
            #expect(fast.body == full.body, "\(path)")
            #expect(fast.headers.map(\.0) == full.headers.map(\.0), "\(path): \(fast.headers) vs \(full.headers)")
            #expect(fast.headers.filter { $0.0 != "Date" }.map(\.1) == full.headers.filter { $0.0 != "Date" }.map(\.1), "\(path)")
            #expect(fast.header("Date") != nil)
        }
    }

    @Test func refusedReadsStillGetTheRespondersAnswer() async throws {
        let ems = try await EMSHarness.start()
        defer { ems.stop() }
        let anonymous = try await ems.curl("GET", Self.isConnected, auth: false)
        #expect(anonymous.status == 401)
        #expect(anonymous.header("WWW-Authenticate")?.hasPrefix("Basic realm=") == true)
        let wrong = try await ems.curl("GET", Self.isConnected, auth: false, extra: ["-u", "emsuser:wrong"])
        #expect(wrong.status == 401)
        let unknown = try await ems.curl("GET", "/Thingworx/Things/LocalEms/Properties/nope")
        #expect(unknown.status == 404)
        let long = try await ems.curl("GET", Self.isConnected + "?" + String(repeating: "a", count: 9_000))
        #expect(long.status == 414)
        let head = try await ems.curl("HEAD", Self.isConnected)
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
    }

    @Test func pipelinedAnswersKeepTheRequestsOrder() async throws {
        let ems = try await EMSHarness.start()
        defer { ems.stop() }
        let version = "/Thingworx/Things/LocalEms/Services/GetMicroserverVersion"
        // One write: a read answered on the loop, a service call answered by the responder, a read that
        // may not overtake that call, and a last read that closes the connection.
        let kinds = try await Self.pipelinedAnswers(ems) { auth in
            "GET \(Self.isConnected) HTTP/1.1\r\nHost: x\r\n\(auth)\r\n"
                + "POST \(version) HTTP/1.1\r\nHost: x\r\n\(auth)Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
                + "GET /Thingworx/Things/LocalEms/Properties HTTP/1.1\r\nHost: x\r\n\(auth)\r\n"
                + "GET \(Self.isConnected) HTTP/1.1\r\nHost: x\r\n\(auth)Connection: close\r\n\r\n"
        } kind: { $0.contains(#""result":"#) ? "version" : $0.contains("isConnected") ? "read" : "?" }
        #expect(kinds == ["read", "version", "read", "read"])
    }

    static let write = "/Thingworx/Things/Pump01/Properties/Temperature"

    /// The same write twice: as devices send it, and with a `Connection` field that sends it the full way.
    private static func bothWays(_ ems: EMSHarness, body: String, contentType: String? = "application/json") async throws -> (EMSHarness.Reply, EMSHarness.Reply) {
        let fast = try await ems.curl("PUT", write, body: body, contentType: contentType)
        let full = try await ems.curl("PUT", write, body: body, contentType: contentType, extra: ["-H", "Connection: keep-alive"])
        return (fast, full)
    }

    private static func expectSame(_ fast: EMSHarness.Reply, _ full: EMSHarness.Reply, _ label: String) {
        #expect(fast.status == full.status, "\(label): \(fast.status) vs \(full.status)")
        #expect(fast.body == full.body, "\(label)")
        #expect(fast.headers.map(\.0) == full.headers.map(\.0), "\(label): \(fast.headers) vs \(full.headers)")
        #expect(fast.headers.filter { $0.0 != "Date" }.map(\.1) == full.headers.filter { $0.0 != "Date" }.map(\.1), "\(label)")
    }

    @Test(arguments: [false, true])
    func writeAnswersAreTheSameAsTheResponders(tls: Bool) async throws {
        let link = ScriptedLink()
        let ems = try await EMSHarness.start(tls: tls, link: link)
        defer { ems.stop() }

        link.answer { _ in ResponseBody() }
        var (fast, full) = try await Self.bothWays(ems, body: #"{"Temperature": 21.5}"#)
        #expect(fast.status == 200)
        Self.expectSame(fast, full, "accepted")
        #expect(link.sent.count == 2)
        #expect(link.sent.allSatisfy { $0.method == .put && $0.entityName == "Pump01" && $0.target == "Temperature" })
        #expect(link.sent.first?.parameters?.value("Temperature") == .number(21.5))

        // A body over the event loop's 16 KiB goes the full way on both requests; the answer is the same.
        let large = String(repeating: "x", count: 20_000)
        (fast, full) = try await Self.bothWays(ems, body: #"{"Temperature": "\#(large)"}"#)
        #expect(fast.status == 200)
        Self.expectSame(fast, full, "large body")
        #expect(link.sent.count == 4)
        #expect(link.sent.last?.parameters?.value("Temperature") == .string(large))

        link.answer { _ in ResponseBody(status: .notFound, reason: "scripted") }
        (fast, full) = try await Self.bothWays(ems, body: #"{"Temperature": 1}"#)
        #expect(fast.status == 404)
        Self.expectSame(fast, full, "platform refusal")

        link.setConnected(false)
        link.answer { _ throws(PlatformLinkError) in throw .notConnected("scripted offline") }
        (fast, full) = try await Self.bothWays(ems, body: #"{"Temperature": 2}"#)
        #expect(fast.status == 503)
        #expect(fast.header("Retry-After") != nil)
        Self.expectSame(fast, full, "offline")
    }

    @Test func badWriteBodiesGetTheRespondersMessages() async throws {
        let link = ScriptedLink()
        let ems = try await EMSHarness.start(link: link)
        defer { ems.stop() }
        for (label, body, type) in [
            ("malformed", #"{"Temperature": "#, "application/json"), ("other property", #"{"Pressure": 3}"#, "application/json"),
            ("not an object", "[1,2]", "application/json"), ("blank", "   ", "application/json"), ("no type", #"{"Temperature": 4}"#, nil),
            ("form", "Temperature=5", "application/x-www-form-urlencoded"), ("xml", "<t/>", "application/xml"),
        ] as [(String, String, String?)] {
            let (fast, full) = try await Self.bothWays(ems, body: body, contentType: type)
            Self.expectSame(fast, full, label)
        }
        // Only the three valid writes (no type, form, and their full-way twins) reached the platform.
        #expect(link.sent.count == 4, "\(link.sent.map(\.target))")
    }

    @Test func aWriteWaitingForThePlatformHoldsBackTheNextRequest() async throws {
        let link = ScriptedLink()
        // The write is answered only after the read behind it has long been parsed.
        link.answer { _ in
            try? await Task.sleep(for: .milliseconds(300))
            return ResponseBody()
        }
        let ems = try await EMSHarness.start(link: link)
        defer { ems.stop() }
        let body = #"{"Temperature": 7}"#
        let kinds = try await Self.pipelinedAnswers(ems) { auth in
            let write = "PUT \(Self.write) HTTP/1.1\r\nHost: x\r\n\(auth)Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            return write + "GET \(Self.isConnected) HTTP/1.1\r\nHost: x\r\n\(auth)\r\n" + write
                + "GET \(Self.isConnected) HTTP/1.1\r\nHost: x\r\n\(auth)Connection: close\r\n\r\n"
        } kind: { $0.contains("isConnected") ? "read" : "write" }
        #expect(kinds == ["write", "read", "write", "read"])
        #expect(link.sent.count == 2)
    }

    @Test func aWriteWhoseBodyArrivesLaterIsStillServed() async throws {
        let link = ScriptedLink()
        let ems = try await EMSHarness.start(link: link)
        defer { ems.stop() }
        let credentials = Data("\(ems.user):\(ems.password)".utf8).base64EncodedString()
        let body = #"{"Temperature": 8}"#
        let head = "PUT \(Self.write) HTTP/1.1\r\nHost: x\r\nAuthorization: Basic \(credentials)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
        // The head, then the body in a later segment (the python client pauses between the two sends).
        let output = try await ems.rawInTwoParts(head, body, pauseSeconds: 0.3)
        #expect(output.hasPrefix("HTTP/1.1 200"), "\(output)")
        #expect(link.sent.first?.parameters?.value("Temperature") == .number(8))
    }
}
