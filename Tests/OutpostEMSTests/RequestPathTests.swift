import Foundation
import OutpostEMS
import OutpostWire
import Testing

/// The `/Thingworx` URL grammar and the header fields the responder reads, end to end over a real
/// socket: the parser and the header scan work on raw bytes, so their edge cases are pinned here.
@Suite("Request path grammar and header fields")
struct RequestPathTests {
    @Test func collectionAndCharacteristicAreCaseInsensitiveAndSegmentsPercentDecoded() async throws {
        let link = ScriptedLink()
        let ems = try await EMSHarness.start(link: link)
        defer { ems.stop() }
        let lower = try await ems.curl("GET", "/Thingworx/things/LocalEms/PROPERTIES/isConnected")
        #expect(lower.status == 200)
        #expect(lower.body.contains(#""isConnected":true"#))
        // "Local%45ms" decodes to LocalEms, so it is answered locally, not forwarded.
        let encodedEntity = try await ems.curl("GET", "//Thingworx//Things/Local%45ms/Properties/isConnected")
        #expect(encodedEntity.status == 200)
        #expect(encodedEntity.body.contains(#""isConnected":true"#))
        let encodedKeyword = try await ems.curl("GET", "/Thingworx/%54hings/Pump%2001/%50roperties/Temp%C3%A9rature")
        #expect(encodedKeyword.status == 200)
        #expect(link.sent.count == 1)
        #expect(link.sent.first?.entityName == "Pump 01")
        #expect(link.sent.first?.target == "Temp\u{E9}rature")
    }

    @Test func malformedPathsGetTheErrorThatNamesTheProblem() async throws {
        let link = ScriptedLink()
        let ems = try await EMSHarness.start(link: link)
        defer { ems.stop() }
        let outside = try await ems.curl("GET", "/thingworx/Things/Pump01/Properties")
        #expect(outside.status == 404)
        #expect(outside.body.contains("/Thingworx"))
        let collection = try await ems.curl("GET", "/Thingworx/Gadgets/Pump01/Properties")
        #expect(collection.status == 404)
        #expect(collection.body.contains("unknown collection 'Gadgets'"))
        let characteristic = try await ems.curl("GET", "/Thingworx/Things/Pump01/Attributes/x")
        #expect(characteristic.status == 400)
        #expect(characteristic.body.contains("Unexpected characteristic 'Attributes'"))
        let deep = try await ems.curl("GET", "/Thingworx/Things/Pump01/Properties/a/b")
        #expect(deep.status == 404)
        #expect(deep.body.contains("too many path segments"))
        // A bad escape anywhere is reported before the rest of the path is judged.
        let badEscape = try await ems.curl("GET", "/Thingworx/Gadgets/Pump01/Properties/%G1")
        #expect(badEscape.status == 400)
        #expect(badEscape.body.contains("percent-encoded"))
        let notUTF8 = try await ems.curl("GET", "/Thingworx/Things/Pump%FF/Properties")
        #expect(notUTF8.status == 400)
        let bare = try await ems.curl("GET", "/Thingworx/Things")
        #expect(bare.status == 404)
        #expect(bare.body.contains("name an entity"))
        #expect(link.sent.isEmpty, "nothing malformed may reach the platform")
    }

    @Test func authorizationAndContentHeadersAreReadInAnySpellingAndRepeatsAreJoined() async throws {
        let link = ScriptedLink()
        let ems = try await EMSHarness.start(link: link)
        defer { ems.stop() }
        let token = Data("emsuser:s3cret-pass".utf8).base64EncodedString()
        let lowerScheme = try await ems.curl(
            "GET", "/Thingworx/Things/LocalEms/Properties/isConnected", auth: false, extra: ["-H", "authorization: basic  \(token) "])
        #expect(lowerScheme.status == 200)
        // Two Authorization fields read as one joined value, which is no valid credential.
        let twice = try await ems.curl(
            "GET", "/Thingworx/Things/LocalEms/Properties/isConnected", auth: false,
            extra: ["-H", "Authorization: Basic \(token)", "-H", "Authorization: Basic \(token)"])
        #expect(twice.status == 401)
        let typed = try await ems.curl(
            "PUT", "/Thingworx/Things/Pump01/Properties/Temperature", body: #"{"Temperature": 3}"#,
            contentType: "Application/JSON ; charset=utf-8")
        #expect(typed.status == 200)
        #expect(link.sent.last?.parameters?.value("Temperature") == .number(3))
        let image = try await ems.curl("PUT", "/Thingworx/Things/Pump01/Properties/Temperature", body: "x", contentType: "image/png")
        #expect(image.status == 415)
    }
}
