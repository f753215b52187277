import Foundation
import OutpostEMS
import Testing

/// Local property reads answered on the event loop (`EMSLocalReadHandler`) must be indistinguishable
/// from the same reads answered by the responder, and must not reorder pipelined answers.
@Suite("LocalEms reads on the event loop")
struct LocalReadFastPathTests {
    static let isConnected = "/Thingworx/Things/LocalEms/Properties/isConnected"

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
        let credentials = Data("\(ems.user):\(ems.password)".utf8).base64EncodedString()
        let auth = "Authorization: Basic \(credentials)\r\n"
        let version = "/Thingworx/Things/LocalEms/Services/GetMicroserverVersion"
        // One write: a read answered on the loop, a service call answered by the responder, a read that
        // may not overtake that call, and a last read that closes the connection.
        let payload = "GET \(Self.isConnected) HTTP/1.1\r\nHost: x\r\n\(auth)\r\n"
            + "POST \(version) HTTP/1.1\r\nHost: x\r\n\(auth)Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
            + "GET /Thingworx/Things/LocalEms/Properties HTTP/1.1\r\nHost: x\r\n\(auth)\r\n"
            + "GET \(Self.isConnected) HTTP/1.1\r\nHost: x\r\n\(auth)Connection: close\r\n\r\n"
        let output = try await ems.raw(payload)
        let answers = output.components(separatedBy: "HTTP/1.1 ").dropFirst()
        #expect(answers.count == 4, "\(output)")
        let kinds = answers.map { answer in
            answer.hasPrefix("200") ? (answer.contains(#""result":"#) ? "version" : answer.contains("isConnected") ? "read" : "?") : "status \(answer.prefix(3))"
        }
        #expect(kinds == ["read", "version", "read", "read"], "\(output)")
    }
}
