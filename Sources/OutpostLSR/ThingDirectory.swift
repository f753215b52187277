import OutpostLua

/// The running things by name and by registered name (`*<identifier>`), for the callback listener.
struct ThingDirectory: Sendable {
    private let byName: [String: LuaThing]
    let names: [String]

    init(_ things: [LuaThing]) {
        var map: [String: LuaThing] = [:]
        for thing in things {
            map[thing.name] = thing
            map[thing.registeredName] = thing
        }
        byName = map
        names = things.map(\.registeredName)
    }

    func thing(_ name: String) -> LuaThing? { byName[name] }
}
