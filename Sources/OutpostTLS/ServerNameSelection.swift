/// Which certificate a listener presents for a handshake's SNI name.
///
/// The order, documented for operators:
/// 1. a certificate configured for exactly that name;
/// 2. else the one of its nearest parent domain (`a.b.example` → `b.example` → `example`);
/// 3. else the listener's configured certificate (its TLS directory or `certificate` key);
/// 4. else the certificate generated for this install.
///
/// A client that sends no SNI (it connected by IP address) gets 3, or 4 when nothing is configured.
public struct ServerNameSelection<Value: Sendable>: Sendable {
    /// Certificates by lower-cased name, without a trailing dot.
    public let byName: [String: Value]
    /// Steps 3 and 4, already resolved.
    public let fallback: Value

    public init(byName: [String: Value], fallback: Value) {
        var normalized: [String: Value] = [:]
        for (name, value) in byName { normalized[ServerName.normalized(name)] = value }
        self.byName = normalized
        self.fallback = fallback
    }

    /// The value for `serverName`, and the name that matched (nil when the fallback was taken).
    public func select(_ serverName: String?) -> (value: Value, matched: String?) {
        guard let serverName, !byName.isEmpty else { return (fallback, nil) }
        var name = ServerName.normalized(serverName)
        while !name.isEmpty {
            if let value = byName[name] { return (value, name) }
            guard let dot = name.firstIndex(of: ".") else { break }
            name = String(name[name.index(after: dot)...])
        }
        return (fallback, nil)
    }
}

/// SNI names compare case-insensitively and without a trailing dot.
public enum ServerName {
    public static func normalized(_ name: String) -> String {
        var name = name.lowercased()
        while name.hasSuffix(".") { name.removeLast() }
        return name
    }
}
