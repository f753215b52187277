import Foundation
import Logging
@testable import OutpostLSR
import OutpostLua
import Testing

/// `tw_script.getScriptList`/`getStatus` through the LSR's own ``EMSBridge`` and ``ScriptStatusBoard``.
@Suite struct ScriptStatusTests {
    @Test func scriptsSeeTheBoardAsItChanges() async throws {
        let settings = try await LSRSettingsTests.settings(LSRSettingsTests.plain)
        let client = EMSClient(connection: settings.ems)
        let board = ScriptStatusBoard()
        board.set("Pump", "running")
        board.set("Mixer", "running")
        board.set("Report", "not run")
        let bridge = EMSBridge(client: client, http: ScriptHTTPClient(timeout: .seconds(1)), board: board)
        let logger = Logger(label: "outpost.lsr.test", factory: { _ in SwiftLogNoOpLogHandler() })
        let lua = try await LuaRuntime(name: "status", options: .init(logger: logger, bridge: bridge))
        let query = "return table.concat(tw_script.getScriptList(), ','), tw_script.getStatus('Pump'), tw_script.getStatus('Report')"
        #expect(try await lua.execute(query) == [.string("Mixer,Pump,Report"), .string("running"), .string("not run")])
        board.move(from: "running", to: "stopping")
        #expect(try await lua.execute(query) == [.string("Mixer,Pump,Report"), .string("stopping"), .string("not run")])
        lua.shutdown()
        await client.shutdown()
    }
}
