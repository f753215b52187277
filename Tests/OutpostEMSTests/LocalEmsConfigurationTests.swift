import Foundation
import NIOConcurrencyHelpers
import OutpostConfig
import OutpostEMS
import OutpostSecrets
import OutpostWire
import Testing

/// The LocalEms services that write config.json, Restart and GetLogData.
@Suite("LocalEms configuration, Restart, GetLogData")
struct LocalEmsConfigurationTests {
    static let base = #"{"ws_servers":[{"host":"127.0.0.1","port":8443}],"appKey":"enc:v1:placeholder-not-opened","http_server":{"port":8000,"ssl":false,"authenticate":false},"logger":{"level":"INFO"}}"#

    /// A config file and key file in a fresh directory.
    static func files() throws -> (directory: String, config: String, resolver: SecretResolver) {
        let directory = NSTemporaryDirectory() + "outpost-ems-config-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = directory + "/config.json"
        try base.write(toFile: config, atomically: true, encoding: .utf8)
        return (directory, config, SecretResolver(keyFilePath: directory + "/secret.key"))
    }

    static func read(_ path: String) throws -> JSONValue {
        try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    @Test func updateConfigurationMergesValidatesAndSealsSecrets() async throws {
        let files = try Self.files()
        defer { try? FileManager.default.removeItem(atPath: files.directory) }
        let ems = try await EMSHarness.start(resolver: files.resolver) { $0.configFile = files.config }
        defer { ems.stop() }
        let merge = try await ems.curl(
            "POST", "/Thingworx/Things/LocalEms/Services/UpdateConfiguration",
            body: #"{"config":{"http_server":{"port":8100,"authenticate":true,"user":"ops","password":"new-plain-pass"}},"replace":false}"#)
        #expect(merge.status == 200, "\(merge.body)")
        let written = try Self.read(files.config)
        #expect(written["http_server"]?["port"] == .integer(8100))
        #expect(written["http_server"]?["ssl"] == .bool(false), "merge keeps keys it was not given")
        #expect(written["logger"]?["level"] == .string("INFO"))
        let password = try #require(written["http_server"]?["password"]?.stringValue)
        #expect(password.hasPrefix(SealedSecret.prefix), "plain secrets are sealed before they reach the disk")
        #expect(try files.resolver.resolve(password, key: "test").reveal() == "new-plain-pass")
        let mode = try FileManager.default.attributesOfItem(atPath: files.config)[.posixPermissions] as? Int
        #expect(mode != nil)

        // The running EMS keeps the configuration it loaded.
        let shown = try await ems.curl("POST", "/Thingworx/Things/LocalEms/Services/GetConfiguration", body: "{}")
        #expect(!shown.body.contains("8100"))
    }

    @Test func badUpdatesAreRefusedAndLeaveTheFileAlone() async throws {
        let files = try Self.files()
        defer { try? FileManager.default.removeItem(atPath: files.directory) }
        let ems = try await EMSHarness.start(resolver: files.resolver) { $0.configFile = files.config }
        defer { ems.stop() }
        let before = try Data(contentsOf: URL(fileURLWithPath: files.config))
        let cases: [(String, String)] = [
            (#"{"config":"{not json"}"#, "Error parsing config JSON"),
            (#"{"config":{"http_server":{"port":"eighty"}}}"#, "http_server.port"),
            (#"{"config":{"http_server":{"password":"********"}}}"#, "mask"),
            (#"{"replace":true}"#, "'config' is required"),
            (#"{"config":[1,2]}"#, "object"),
        ]
        for (body, expected) in cases {
            let reply = try await ems.curl("POST", "/Thingworx/Things/LocalEms/Services/UpdateConfiguration", body: body)
            #expect(reply.status == 400, "\(body) → \(reply.status) \(reply.body)")
            #expect(reply.body.contains(expected), "\(body) → \(reply.body)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: files.config)) == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: files.directory).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }

    @Test func replaceConfigurationWritesTheWholeFile() async throws {
        let files = try Self.files()
        defer { try? FileManager.default.removeItem(atPath: files.directory) }
        let ems = try await EMSHarness.start(resolver: files.resolver) { $0.configFile = files.config }
        defer { ems.stop() }
        let replacement = #"{"ws_servers":[{"host":"twx.example.com","port":443}],"appKey":"new-app-key","http_server":{"ssl":true,"authenticate":false}}"#
        let reply = try await ems.curl(
            "POST", "/Thingworx/Things/LocalEms/Services/ReplaceConfiguration",
            body: "{\"config\":" + JSONValue.string(replacement).serialized() + "}")
        #expect(reply.status == 200, "\(reply.body)")
        let written = try Self.read(files.config)
        #expect(written["ws_servers"]?.serialized().contains("twx.example.com") == true)
        #expect(written["logger"] == nil, "replace drops keys it was not given")
        #expect(written["appKey"]?.stringValue?.hasPrefix(SealedSecret.prefix) == true)
        #expect(EMSConfig.load(Array(try Data(contentsOf: URL(fileURLWithPath: files.config)))).hasErrors == false)
    }

    @Test func persistedEdgeThingsGoIntoAutoBindAndLeaveWithRemove() async throws {
        let files = try Self.files()
        defer { try? FileManager.default.removeItem(atPath: files.directory) }
        let ems = try await EMSHarness.start(resolver: files.resolver) { $0.configFile = files.config }
        defer { ems.stop() }
        let add = try await ems.curl(
            "POST", "/Thingworx/Things/LocalEms/Services/AddEdgeThing",
            body: #"{"name":"Pump01","host":"127.0.0.1","port":"18001","proto":"https","path":"/scripts/Thingworx","user":"luauser","password":"lua-secret","persist":true}"#)
        #expect(add.status == 200, "\(add.body)")
        let notPersisted = try await ems.curl(
            "POST", "/Thingworx/Things/LocalEms/Services/AddEdgeThing", body: #"{"name":"Temp01","host":"127.0.0.1","port":18002}"#)
        #expect(notPersisted.status == 200)
        let written = try Self.read(files.config)
        guard case .array(let list)? = written["auto_bind"] else {
            Issue.record("no auto_bind in \(written.serialized())")
            return
        }
        #expect(list.count == 1)
        #expect(list.first?["name"] == .string("Pump01"))
        #expect(list.first?["port"] == .integer(18001))
        #expect(list.first?["protocol"] == .string("https"))
        let sealed = try #require(list.first?["password"]?.stringValue)
        #expect(sealed.hasPrefix(SealedSecret.prefix))
        #expect(!String(decoding: try Data(contentsOf: URL(fileURLWithPath: files.config)), as: UTF8.self).contains("lua-secret"))
        // What was written loads as an auto_bind entry with the same password.
        let loaded = try #require(EMSConfig.load(Array(try Data(contentsOf: URL(fileURLWithPath: files.config)))).config)
        let binding = try EdgeBinding(config: try #require(loaded.autoBind.first), resolver: files.resolver)
        #expect(binding.password?.reveal() == "lua-secret")

        let remove = try await ems.curl("POST", "/Thingworx/Things/LocalEms/Services/RemoveEdgeThing", body: #"{"name":"Pump01"}"#)
        #expect(remove.status == 200)
        #expect(try Self.read(files.config)["auto_bind"] == .array([]))
    }

    @Test func persistWithoutAConfigFileSaysSo() async throws {
        let ems = try await EMSHarness.start()
        defer { ems.stop() }
        let add = try await ems.curl(
            "POST", "/Thingworx/Things/LocalEms/Services/AddEdgeThing", body: #"{"name":"Pump01","host":"127.0.0.1","port":18001,"persist":true}"#)
        #expect(add.status == 409)
        #expect(add.body.contains("config file"))
    }

    @Test func restartFollowsThePolicyAndCaller() async throws {
        let requests = NIOLockedValueBox(0)
        let ems = try await EMSHarness.start { settings in
            settings.restart = RestartGate(policy: .local, handler: { requests.withLockedValue { $0 += 1 } })
        }
        defer { ems.stop() }
        // A REST client on loopback may restart under "local".
        let local = try await ems.curl("POST", "/Thingworx/Things/LocalEms/Services/Restart", body: "{}")
        #expect(local.status == 200)
        #expect(requests.withLockedValue { $0 } == 1)
        // The platform may not.
        let fromPlatform = await ems.server.forwarder.handle(
            RequestBody(method: .post, entityName: "LocalEms", characteristic: .services, target: "Restart"))
        #expect(fromPlatform.status == .forbidden)
        #expect(fromPlatform.reason?.contains("Restarts not allowed") == true)
        #expect(requests.withLockedValue { $0 } == 1)

        let open = try await EMSHarness.start { settings in
            settings.restart = RestartGate(policy: .any, handler: { requests.withLockedValue { $0 += 1 } })
        }
        defer { open.stop() }
        let allowed = await open.server.forwarder.handle(
            RequestBody(method: .post, entityName: "LocalEms", characteristic: .services, target: "Restart"))
        #expect(allowed.status == .success)
        #expect(requests.withLockedValue { $0 } == 2)

        let none = try await EMSHarness.start()
        defer { none.stop() }
        let refused = try await none.curl("POST", "/Thingworx/Things/LocalEms/Services/Restart", body: "{}")
        #expect(refused.status == 403)
        #expect(refused.body.contains("Restarts not allowed"))
    }

    @Test func getLogDataAnswersTheLogEntryShape() async throws {
        let ems = try await EMSHarness.start()
        defer { ems.stop() }
        let reply = try await ems.curl("POST", "/Thingworx/Things/LocalEms/Services/GetLogData", body: #"{"maxItems":2}"#)
        #expect(reply.status == 200)
        #expect(reply.json?["rows"] == .array([]))
        let fields = reply.json?["dataShape"]?["fieldDefinitions"]?.objectValue?.keys ?? []
        #expect(fields == ["timestamp", "level", "origin", "content", "instance", "session", "thread", "user"])
        #expect(reply.json?["dataShape"]?["fieldDefinitions"]?["timestamp"]?["baseType"] == .string("DATETIME"))
        let fileLogging = try await ems.curl("POST", "/Thingworx/Things/LocalEms/Services/StartFileLogging", body: "{}")
        #expect(fileLogging.status == 501)
        #expect(fileLogging.body.contains("standard error"))
    }
}
