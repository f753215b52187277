internal import CLua

extension LuaNatives {
    /// `scripts()` → `{ {name=, status=}, … }` sorted by name: the resource's scripts through the
    /// state's ``LuaHostBridge``; empty without one.
    static let scripts: LuaNativeFunction = { L in
        LuaState.native(L) { state throws(LuaError) in
            let statuses = (state.bridge?.scriptStatuses() ?? []).sorted { $0.name < $1.name }
            return [.table(LuaTable(array: statuses.map { .table(LuaTable(fields: ["name": .string($0.name), "status": .string($0.status)])) }))]
        }
    }
}
