/// A location in the config tree: `http_server.port`, `auto_bind[2].name`.
public struct ConfigPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) {
        self.components = components
    }

    public static let root = ConfigPath()

    public func appending(_ key: String) -> ConfigPath {
        ConfigPath(components + [.key(key)])
    }

    public func appending(index: Int) -> ConfigPath {
        ConfigPath(components + [.index(index)])
    }

    public var description: String { render(indices: true) }

    /// The path with array indices elided (`auto_bind[].name`): the key's identity in the catalog.
    public var generic: String { render(indices: false) }

    private func render(indices: Bool) -> String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key):
                if !text.isEmpty { text += "." }
                text += key
            case .index(let index):
                text += indices ? "[\(index)]" : "[]"
            }
        }
        return text
    }
}
