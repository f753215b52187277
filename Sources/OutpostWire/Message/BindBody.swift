/// The body of a BIND or UNBIND message (`alwayson.md` §3.4): optional gateway identity and thing names.
public struct BindBody: Sendable, Hashable {
    /// Sent only when both a gateway name and a gateway type are known.
    public struct Gateway: Sendable, Hashable {
        public var name: String
        public var type: String

        public init(name: String, type: String) {
            self.name = name
            self.type = type
        }
    }

    public var gateway: Gateway?
    /// At most 65535 (the count is two bytes); split longer lists over several messages.
    public var names: [String]

    public init(gateway: Gateway? = nil, names: [String]) {
        self.gateway = gateway
        self.names = names
    }
}
