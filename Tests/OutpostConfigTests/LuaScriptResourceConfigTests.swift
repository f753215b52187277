import OutpostConfig
import Testing

/// The config.lua model judged from an evaluated document (no Lua needed here).
@Suite struct LuaScriptResourceConfigTests {
    typealias Document = LuaScriptResourceDocument

    static func assignment(_ key: String, _ value: Document.Value, line: Int) -> Document.Assignment {
        .init(key: key, value: value, position: SourcePosition(line: line, column: 9))
    }

    @Test func emptyDocument_usesDefaults_andRequiresCredentialsForAuthentication() {
        let result = LuaScriptResourceConfig.load(Document())
        let config = result.config
        #expect(config?.rap.port == 8000)
        #expect(config?.scriptResource.port == 8001)
        #expect(config?.scriptResource.authenticate == true)
        #expect(result.findings.contains {
            $0.severity == .error && $0.message == "script_resource_userid and script_resource_password can not be empty when script_resource_authenticate is enabled."
        })
    }

    @Test func thingEntry_keepsEveryMemberForPData_andAppliesDefaults() {
        let entry = Document.Table(members: [
            ("file", .string("thing.lua")), ("template", .string("pump")), ("maxRpm", .integer(3000)),
        ])
        let document = Document(assignments: [
            Self.assignment("script_resource_authenticate", .boolean(false), line: 1),
            Self.assignment("Pump01", .table(entry), line: 2),
        ])
        let result = LuaScriptResourceConfig.load(document)
        let thing = result.config?.things.first
        #expect(thing?.taskRate == 15_000)
        #expect(thing?.keepAliveRate == 60_000)
        #expect(thing?.requestTimeout == 15_000)
        #expect(thing?.registerRate == 43_200_000)
        #expect(thing?.getPropertySubscriptionsOnReconnect == false)
        #expect(thing?.members.map(\.key) == ["file", "template", "maxRpm"])
        #expect(!result.hasErrors, "\(result.findings)")
    }

    @Test func lastAssignmentWins() {
        let document = Document(assignments: [
            Self.assignment("rap_port", .integer(1), line: 1),
            Self.assignment("rap_port", .string("8123"), line: 2),
        ])
        #expect(LuaScriptResourceConfig.load(document).config?.rap.port == 8123)
    }
}
