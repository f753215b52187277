import Foundation
import OutpostEMS
import Testing

@Suite("Authentication and TLS")
struct SecurityTests {
    @Test func basicAuthChallengesWithRealmAndCharset() async throws {
        let ems = try await EMSHarness.start()
        defer { ems.stop() }
        let missing = try await ems.curl("GET", "/Thingworx/Things/LocalEms/Properties/isConnected", auth: false)
        #expect(missing.status == 401)
        #expect(missing.header("WWW-Authenticate") == #"Basic realm="Outpost EMS", charset="UTF-8""#)
        #expect(missing.body.contains("This server requires authentication"))
        let wrong = try await ems.curl("GET", "/Thingworx/Things/LocalEms/Properties/isConnected", auth: false, extra: ["-u", "emsuser:wrong"])
        #expect(wrong.status == 401)
        #expect(wrong.body.contains("Invalid username or password"))
        let right = try await ems.curl("GET", "/Thingworx/Things/LocalEms/Properties/isConnected")
        #expect(right.status == 200)
    }

    @Test func authenticationOffServesWithoutCredentials() async throws {
        let ems = try await EMSHarness.start(auth: false)
        defer { ems.stop() }
        let reply = try await ems.curl("GET", "/Thingworx/Things/LocalEms/Properties/isConnected", auth: false)
        #expect(reply.status == 200)
    }

    @Test func repeatedFailedLoginsGet429WithRetryAfter() async throws {
        let ems = try await EMSHarness.start { settings in
            settings.failedLoginLimit = 3
        }
        defer { ems.stop() }
        for _ in 0..<3 {
            let reply = try await ems.curl("GET", "/Thingworx/Things/LocalEms/Properties/isConnected", auth: false, extra: ["-u", "emsuser:guess"])
            #expect(reply.status == 401)
        }
        let blocked = try await ems.curl("GET", "/Thingworx/Things/LocalEms/Properties/isConnected")
        #expect(blocked.status == 429)
        #expect(Int(blocked.header("Retry-After") ?? "") ?? 0 > 0)
    }

    @Test func httpsServesWithTLS12OrLaterAndAEADOnly() async throws {
        let ems = try await EMSHarness.start(tls: true)
        defer { ems.stop() }
        let reply = try await ems.curl("GET", "/Thingworx/Things/LocalEms/Properties/isConnected")
        #expect(reply.status == 200)
        let old = try await EMSHarness.run(
            "/usr/bin/curl",
            ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", try #require(ems.tls).certificatePath, "--tls-max", "1.1",
             "-u", "emsuser:s3cret-pass", ems.baseURL + "/Thingworx/Things/LocalEms/Properties/isConnected"])
        #expect(old == "000", "TLS 1.1 must be refused")
        let cbc = try await EMSHarness.run(
            "/usr/bin/curl",
            ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", try #require(ems.tls).certificatePath, "--tls-max", "1.2",
             "--ciphers", "ECDHE-ECDSA-AES128-SHA", "-u", "emsuser:s3cret-pass", ems.baseURL + "/Thingworx/Things/LocalEms/Properties/isConnected"])
        #expect(cbc == "000", "CBC suites must be refused")
    }

    @Test func plainHTTPToTheTLSPortGets400AndAHint() async throws {
        let ems = try await EMSHarness.start(tls: true)
        defer { ems.stop() }
        let reply = try await ems.curl("GET", "http://127.0.0.1:\(ems.port)/Thingworx/Things/LocalEms/Properties/isConnected")
        #expect(reply.status == 400)
        #expect(reply.body.contains("HTTPS"))
        #expect(reply.header("Connection") == "close")
    }

    @Test func noSecretReachesTheResponse() async throws {
        let ems = try await EMSHarness.start()
        defer { ems.stop() }
        let reply = try await ems.curl("GET", "/Thingworx/Things/LocalEms/Properties/nope", extra: ["-H", "X-Echo: zzz-header-value"])
        #expect(!reply.body.contains("zzz-header-value"))
        #expect(!reply.body.contains("s3cret-pass"))
    }
}
