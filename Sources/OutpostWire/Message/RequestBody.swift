/// The body of a GET, PUT, POST or DELETE request (`alwayson.md` §3.1): which characteristic of which
/// entity, and optional parameters.
public struct RequestBody: Sendable, Hashable {
    /// A request header pair. The C SDK's header serializer is broken and its parser discards headers,
    /// so senders should leave ``RequestBody/headers`` empty; they are kept when decoding.
    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public var method: RequestMethod
    public var entityType: EntityType
    /// Thing (or other entity) name. Keep it under 128 bytes when talking to the C SDK (§3.1).
    public var entityName: String
    public var characteristic: Characteristic
    /// Property, service or event name (the spec's *characteristicName*); `""` reads all properties.
    public var target: String
    public var headers: [Header]
    /// The parameters InfoTable, or `nil` for none (`FF` on the wire).
    public var parameters: InfoTable?

    public init(
        method: RequestMethod,
        entityType: EntityType = .thing,
        entityName: String,
        characteristic: Characteristic,
        target: String,
        headers: [Header] = [],
        parameters: InfoTable? = nil
    ) {
        self.method = method
        self.entityType = entityType
        self.entityName = entityName
        self.characteristic = characteristic
        self.target = target
        self.headers = headers
        self.parameters = parameters
    }
}
