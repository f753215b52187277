/// One script the resource knows, as `tw_script.getScriptList`/`getStatus` report it.
public struct LuaScriptStatus: Sendable, Equatable {
    public var name: String
    /// `loading`, `running`, `failed`, `not run`, `stopping` or `stopped`.
    public var status: String

    public init(name: String, status: String) {
        self.name = name
        self.status = status
    }
}
