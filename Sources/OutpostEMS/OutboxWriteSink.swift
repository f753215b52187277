public import Logging
public import OutpostOutbox
public import OutpostWire

/// Writes through the durable outbox. Online with nothing queued for the thing: sent at once and
/// answered with the platform's reply. Offline, the link failing on the way, or earlier writes of the
/// thing still queued (they go first): stored durably, then 202. A 2xx therefore always means the
/// platform acknowledged the write or it is on disk. Writes to one thing pass one at a time
/// (``OutboxThingLocks``), so they reach the platform in the order they arrived even when a direct
/// send fails and is stored while the next one waits.
public struct OutboxWriteSink: WriteSink {
    public let outbox: Outbox
    private let link: any PlatformLink
    private let logger: Logger
    private let locks = OutboxThingLocks()

    public init(outbox: Outbox, link: any PlatformLink, logger: Logger) {
        self.outbox = outbox
        self.link = link
        self.logger = logger
    }

    public func write(_ request: RequestBody) async throws(PlatformLinkError) -> ResponseBody? {
        try await locks.withLock(request.entityName) { () async throws(PlatformLinkError) -> ResponseBody? in
            try await sendOrStore(request)
        }
    }

    private func sendOrStore(_ request: RequestBody) async throws(PlatformLinkError) -> ResponseBody? {
        if link.isConnected, try await !queued(request.entityName) {
            do {
                let reply = try await link.send(request)
                // A temporary refusal is stored and retried like an outage; anything else is the answer.
                if !PlatformLinkDelivery.isRetryable(reply.status) { return reply }
            } catch where error.httpStatus == 413 {
                throw error
            } catch {
                // Not sent, or sent without an answer: store it (a late delivery then shows as a duplicate).
                logger.debug("write stored after a failed send", metadata: ["outpost.ems.thing": "\(request.entityName)", "outpost.error": "\(error.message)"])
            }
        }
        do {
            try await outbox.enqueue(request)
        } catch {
            throw Self.map(error)
        }
        return nil
    }

    private func queued(_ thing: String) async throws(PlatformLinkError) -> Bool {
        do {
            return try await outbox.hasQueued(thing: thing)
        } catch {
            throw Self.map(error)
        }
    }

    /// How many writes `thing` has stored, the one just answered 202 being the last (from memory, no
    /// query): its position in the thing's queue, for the 202's body.
    public func queuedCount(thing: String) -> Int {
        outbox.queuedCount(thing: thing)
    }

    /// The body of a 202: the write is on disk and will be delivered in its thing's order.
    static let queuedMessage =
        "stored in the offline message store; it is sent to the platform in order once the platform is reachable and earlier writes of this thing are delivered"

    static func map(_ error: OutboxError) -> PlatformLinkError {
        error.code == .full ? .storeFull(error.message) : .storeFailed(error.message)
    }

    public func status() async -> InfoTable? {
        guard let status = try? await outbox.status() else { return nil }
        return status.infoTable
    }
}

extension OutboxStatus {
    /// One row for `GetOutboxStatus`.
    var infoTable: InfoTable {
        InfoTable(
            fields: [
                FieldDefinition(name: "depth", baseType: .integer),
                FieldDefinition(name: "bytes", baseType: .number),
                FieldDefinition(name: "maxBytes", baseType: .number),
                FieldDefinition(name: "oldestAgeSeconds", baseType: .number),
                FieldDefinition(name: "things", baseType: .integer),
                FieldDefinition(name: "dropped", baseType: .number),
                FieldDefinition(name: "expired", baseType: .number),
                FieldDefinition(name: "delivered", baseType: .number),
                FieldDefinition(name: "deadLetters", baseType: .integer),
                FieldDefinition(name: "path", baseType: .string),
            ],
            rows: [[
                .integer(Int32(clamping: depth)), .number(Double(bytes)), .number(Double(maxBytes)),
                .number(Double(oldestAgeMillis ?? 0) / 1000), .integer(Int32(clamping: things)), .number(Double(dropped)),
                .number(Double(expired)), .number(Double(delivered)), .integer(Int32(clamping: deadLetters)), .string(path),
            ]])
    }
}
