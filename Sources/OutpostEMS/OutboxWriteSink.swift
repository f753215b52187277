public import Logging
public import OutpostOutbox
public import OutpostWire

/// Writes through the durable outbox. Online with nothing queued for the thing: sent at once and
/// answered with the platform's reply. Offline, the link failing on the way, or earlier writes of the
/// thing still queued (they go first): stored durably, then 202. A 2xx therefore always means the
/// platform acknowledged the write or it is on disk. Writes to one thing are delivered one group at
/// a time (``ThingWriteGroups``), so they reach the platform in the order they arrived even when a
/// direct send fails and is stored while the next ones wait. Property writes that waited together
/// go as one `UpdateSubscribedPropertyValues`, as replay sends them (`batch_entries` = 1 turns
/// that off and keeps every PUT as it was sent).
public struct OutboxWriteSink: WriteSink {
    public let outbox: Outbox
    private let link: any PlatformLink
    private let logger: Logger
    private let groups: ThingWriteGroups

    public init(outbox: Outbox, link: any PlatformLink, logger: Logger) {
        self.outbox = outbox
        self.link = link
        self.logger = logger
        self.groups = ThingWriteGroups(maxGroup: outbox.store.settings.batchEntries)
    }

    public func write(_ request: RequestBody) async throws(PlatformLinkError) -> ResponseBody? {
        try await groups.submit(Self.accepted(request), deliver: delivery).get()
    }

    /// Queues the write in its thing's turn without a task of its own (see ``ThingWriteGroups``).
    public func submit(_ request: RequestBody, done: @escaping @Sendable (Result<ResponseBody?, PlatformLinkError>) -> Void) {
        groups.submit(Self.accepted(request), done: done, deliver: delivery)
    }

    private static func accepted(_ request: RequestBody) -> ThingWriteGroups.Write {
        ThingWriteGroups.Write(request: request, acceptedMillis: OutboxStore.nowMillis())
    }

    private var delivery: ThingWriteGroups.Delivery {
        { group in await deliver(group) }
    }

    /// One write as it came. Several property writes: one push message whose SUCCESS answers each;
    /// a refusal sends them again one by one, so each gets its own answer (a bad value does not fail
    /// the others); a failed send stores them all, in order. Anything else: one by one, in order.
    private func deliver(_ group: [ThingWriteGroups.Write]) async -> [ThingWriteGroups.Outcome] {
        if group.count > 1, let push = OutboxBatch.merged(group.map { ($0.request, $0.acceptedMillis) }) {
            if let outcomes = await sendTogether(push, group) { return outcomes }
        }
        var outcomes: [ThingWriteGroups.Outcome] = []
        for write in group { outcomes.append(await outcome { () async throws(PlatformLinkError) in try await sendOrStore(write.request) }) }
        return outcomes
    }

    /// The group's outcomes, or nil when its writes must go one by one.
    private func sendTogether(_ push: RequestBody, _ group: [ThingWriteGroups.Write]) async -> [ThingWriteGroups.Outcome]? {
        let thing = push.entityName
        guard link.isConnected else { return await storeAll(group) }
        let behindQueued: Bool
        do {
            behindQueued = try await queued(thing)
        } catch {
            return nil
        }
        if !behindQueued {
            do {
                let reply = try await link.send(push)
                if reply.status.isSuccess { return group.map { _ in .success(ResponseBody(status: reply.status)) } }
                if !PlatformLinkDelivery.isRetryable(reply.status) { return nil }
            } catch where error.httpStatus == 413 {
                return nil
            } catch {
                logger.debug("grouped writes stored after a failed send", metadata: ["outpost.ems.thing": "\(thing)", "outpost.error": "\(error.message)"])
            }
        }
        return await storeAll(group)
    }

    /// Each write stored in order (nil: answered 202), or the store's error for the ones it refused.
    private func storeAll(_ group: [ThingWriteGroups.Write]) async -> [ThingWriteGroups.Outcome] {
        var outcomes: [ThingWriteGroups.Outcome] = []
        for write in group {
            outcomes.append(await outcome { () async throws(PlatformLinkError) -> ResponseBody? in
                try await store(write.request)
                return nil
            })
        }
        return outcomes
    }

    private func store(_ request: RequestBody) async throws(PlatformLinkError) {
        do {
            try await outbox.enqueue(request)
        } catch {
            throw Self.map(error)
        }
    }

    private func outcome<T>(_ body: () async throws(PlatformLinkError) -> T) async -> Result<T, PlatformLinkError> {
        do {
            return .success(try await body())
        } catch {
            return .failure(error)
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
        try await store(request)
        return nil
    }

    private func queued(_ thing: String) async throws(PlatformLinkError) -> Bool {
        do {
            return try await outbox.hasQueued(thing: thing)
        } catch {
            throw Self.map(error)
        }
    }

    /// Writes for `thing` waiting while an earlier delivery for it runs; they go next, together.
    public func waitingWrites(thing: String) -> Int {
        groups.waitingCount(thing)
    }

    /// How many writes `thing` has stored, the one just answered 202 being the last (from memory, no
    /// query): its position in the thing's queue, for the 202's body.
    public func queuedCount(thing: String) -> Int {
        outbox.queuedCount(thing: thing)
    }

    public func storedCount(thing: String) -> Int? {
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
