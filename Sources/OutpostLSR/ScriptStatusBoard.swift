import NIOConcurrencyHelpers
import OutpostLua

/// What `tw_script.getScriptList`/`getStatus` report: every script of config.lua and where it is in its
/// life (`loading` → `running` or `failed`; `not run` for plain scripts; `stopping` → `stopped`).
/// Written by ``ScriptResource`` as things start and stop, read from any thing's Lua thread.
final class ScriptStatusBoard: Sendable {
    private let statuses = NIOLockedValueBox<[String: String]>([:])

    func set(_ name: String, _ status: String) {
        statuses.withLockedValue { $0[name] = status }
    }

    /// Marks every script in `from` as `to` (e.g. running → stopping at shutdown).
    func move(from: String, to: String) {
        statuses.withLockedValue { table in
            for (name, status) in table where status == from { table[name] = to }
        }
    }

    var all: [LuaScriptStatus] {
        statuses.withLockedValue { $0 }.map { LuaScriptStatus(name: $0.key, status: $0.value) }.sorted { $0.name < $1.name }
    }
}
