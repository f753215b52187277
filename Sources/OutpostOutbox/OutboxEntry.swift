public import OutpostWire

/// One stored write: a request for one thing, kept as its AlwaysOn encoding until the platform
/// acknowledges it.
public struct OutboxEntry: Sendable, Equatable {
    /// Increases with every enqueue and is never reused: it is the replay order.
    public var id: Int64
    public var thing: String
    /// `property`, `event` or `service`, for listings.
    public var kind: String
    /// Property, event or service name.
    public var target: String
    /// Milliseconds since 1970 when the write was accepted.
    public var createdMillis: Int64
    /// Payload bytes (what counts against `max_size`).
    public var size: Int
    public var attempts: Int
    public var lastError: String?
    public var payload: [UInt8]

    /// The stored request.
    public func request() throws(OutboxError) -> RequestBody {
        try Self.decode(payload, id: id)
    }

    static func encode(_ request: RequestBody) throws(OutboxError) -> [UInt8] {
        do {
            return try AlwaysOnMessage(requestID: 0, sessionID: 0, body: .request(request)).encodedBytes()
        } catch {
            throw OutboxError(.badEntry, "the write to \(request.entityName) cannot be stored: \(error)")
        }
    }

    static func decode(_ payload: [UInt8], id: Int64) throws(OutboxError) -> RequestBody {
        let message: AlwaysOnMessage
        do {
            message = try AlwaysOnMessage(decoding: payload)
        } catch {
            throw OutboxError(.badEntry, "outbox entry \(id) cannot be decoded: \(error)")
        }
        guard case .request(let request) = message.body else {
            throw OutboxError(.badEntry, "outbox entry \(id) holds a \(message.body.code), not a request")
        }
        return request
    }

    static func kind(of request: RequestBody) -> String {
        switch request.characteristic {
        case .properties: "property"
        case .events: "event"
        case .services where request.target == OutboxBatch.pushService: "property"
        default: "service"
        }
    }
}

/// An entry the platform refused (or that expired), kept with the reason until retried or purged.
public struct OutboxDeadLetter: Sendable, Equatable {
    public var id: Int64
    public var entry: OutboxEntry
    public var reason: String
    public var failedMillis: Int64
}
