import Foundation
import OutpostEMS
import OutpostWire
import Testing

@Suite("Bad clients")
struct BadClientTests {
    @Test func malformedJSONSaysWhatAndWhere() async throws {
        let ems = try await EMSHarness.start()
        defer { ems.stop() }
        let reply = try await ems.curl("POST", "/Thingworx/Things/Pump01/Services/Go", body: #"{"a": 1,, "b": 2}"#)
        #expect(reply.status == 400)
        let message = reply.json?["message"]?.stringValue ?? ""
        #expect(message.contains("Invalid JSON"))
        #expect(message.contains("8") || message.contains("offset"), "no position in: \(message)")
    }

    @Test func oversizedBodyIs413() async throws {
        let ems = try await EMSHarness.start { $0.maxBodyBytes = 1024 }
        defer { ems.stop() }
        let big = "{\"v\":\"" + String(repeating: "x", count: 4096) + "\"}"
        let reply = try await ems.curl("POST", "/Thingworx/Things/Pump01/Services/Go", body: big)
        #expect(reply.status == 413)
    }

    @Test func longURIAndHugeHeadersAre414And431() async throws {
        let ems = try await EMSHarness.start { settings in
            settings.maxURILength = 512
            settings.maxHeaderBytes = 2048
        }
        defer { ems.stop() }
        let uri = try await ems.curl("GET", "/Thingworx/Things/" + String(repeating: "a", count: 1000) + "/Properties/x")
        #expect(uri.status == 414)
        let headers = try await ems.curl("GET", "/Thingworx/Things/LocalEms/Properties/isConnected", extra: ["-H", "X-Big: " + String(repeating: "b", count: 4000)])
        #expect(headers.status == 431)
    }

    @Test func unsupportedContentTypeIs415() async throws {
        let ems = try await EMSHarness.start()
        defer { ems.stop() }
        let reply = try await ems.curl("POST", "/Thingworx/Things/Pump01/Services/Go", body: "x", contentType: "image/png")
        #expect(reply.status == 415)
    }

    @Test func stalledBodyGets408AfterContentReadTimeout() async throws {
        let ems = try await EMSHarness.start(auth: false) { $0.contentReadTimeout = .milliseconds(300) }
        defer { ems.stop() }
        let answer = try await ems.raw(
            "POST /Thingworx/Things/Pump01/Services/Go HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\"")
        #expect(answer.hasPrefix("HTTP/1.1 408"), "got: \(answer.prefix(200))")
    }

    @Test func garbageRequestLineGets400AndClose() async throws {
        let ems = try await EMSHarness.start(auth: false)
        defer { ems.stop() }
        let answer = try await ems.raw("HELLO\r\n\r\n")
        #expect(answer.hasPrefix("HTTP/1.1 400"), "got: \(answer.prefix(200))")
    }

    @Test func optionsListsMethodsAndOtherMethodsAre405() async throws {
        let ems = try await EMSHarness.start()
        defer { ems.stop() }
        let options = try await ems.curl("OPTIONS", "/Thingworx/Things/LocalEms/Properties/isConnected", auth: false)
        #expect(options.status == 204)
        #expect(options.header("Allow")?.contains("PUT") == true)
        let patch = try await ems.curl("PATCH", "/Thingworx/Things/LocalEms/Properties/isConnected", body: "{}")
        #expect(patch.status == 405)
        #expect(patch.header("Allow") != nil)
    }

    @Test func hostileInputsDoNotCrashTheServer() async throws {
        let ems = try await EMSHarness.start(auth: false)
        defer { ems.stop() }
        let bodies = [
            String(repeating: "[", count: 5000), #"{"rows":"x"}"#, #"{"dataShape":{"fieldDefinitions":{"a":{"baseType":"NOPE"}}},"rows":[{"a":1}]}"#,
            "\u{1}\u{2}", "\"just a string\"",
        ]
        for body in bodies {
            let reply = try await ems.curl("POST", "/Thingworx/Things/Pump01/Services/Go", body: body)
            #expect(reply.status == 400, "body \(body.prefix(40))")
        }
        _ = try await ems.raw("GET /%ff%fe/../Thingworx HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let alive = try await ems.curl("GET", "/Thingworx/Things/LocalEms/Properties/isConnected", auth: false)
        #expect(alive.status == 200)
    }
}
