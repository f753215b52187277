import NIOConcurrencyHelpers
import OutpostWire

/// Per thing, one delivery at a time, and the writes that arrive meanwhile delivered together next.
///
/// A write for an idle thing starts a delivery task for the thing at once. Writes for the thing that
/// arrive while a delivery runs wait; when it is done, the same task delivers every write that waited
/// (up to ``maxGroup``), in arrival order, and so on until none waits. One delivery per thing keeps
/// the thing's order: a write cannot overtake one whose send fails and is stored for replay.
/// Grouping keeps the rate up when many clients write to one thing: they share one round trip to the
/// platform instead of queueing for one each (a group commit one hop before the platform's own).
///
/// A waiting write costs a closure in a list, not a task: the event-loop write path
/// (``EMSFastPathHandler``) hands writes over with ``submit(_:done:deliver:)`` and gets its answer
/// back through `done`, so only the thing's delivery task runs on the concurrency pool.
final class ThingWriteGroups: Sendable {
    struct Write: Sendable {
        let request: RequestBody
        /// When the EMS accepted the write: the value's time stamp if it is sent as part of a push.
        let acceptedMillis: Int64
    }

    typealias Outcome = Result<ResponseBody?, PlatformLinkError>
    typealias Completion = @Sendable (Outcome) -> Void
    typealias Delivery = @Sendable ([Write]) async -> [Outcome]

    private struct Waiter: Sendable {
        let write: Write
        let done: Completion
    }

    /// A thing is present while its delivery task runs; the value holds the writes not yet taken.
    private let waiting = NIOLockedValueBox<[String: [Waiter]]>([:])
    let maxGroup: Int

    init(maxGroup: Int) {
        self.maxGroup = max(1, maxGroup)
    }

    /// Queues `write` for its thing and returns at once; `done` gets its outcome once the group it
    /// joined is delivered. `deliver` gets a group in arrival order and returns one outcome per write,
    /// in that order; it is the thing's own while its task runs (the `deliver` of later calls is
    /// used only once the thing is idle again).
    func submit(_ write: Write, done: @escaping Completion, deliver: @escaping Delivery) {
        let thing = write.request.entityName
        let starts = waiting.withLockedValue { waiting -> Bool in
            let idle = waiting[thing] == nil
            waiting[thing, default: []].append(Waiter(write: write, done: done))
            return idle
        }
        // Not cancellable: each delivery has its own timeouts, so the task ends.
        if starts { Task { await self.deliverAll(thing, deliver) } }
    }

    /// Delivers `write` in its thing's turn, alone or with the writes that waited with it.
    func submit(_ write: Write, deliver: @escaping Delivery) async -> Outcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            submit(write, done: { continuation.resume(returning: $0) }, deliver: deliver)
        }
    }

    /// Writes for `thing` waiting for the running delivery to finish.
    func waitingCount(_ thing: String) -> Int {
        waiting.withLockedValue { $0[thing]?.count ?? 0 }
    }

    /// The thing's delivery task: group after group until no write waits.
    private func deliverAll(_ thing: String, _ deliver: Delivery) async {
        while let group = nextGroup(thing) {
            let outcomes = await deliver(group.map(\.write))
            for (index, waiter) in group.enumerated() {
                waiter.done(outcomes.indices.contains(index) ? outcomes[index] : .failure(.failed("internal error: no outcome for a grouped write")))
            }
        }
    }

    /// The oldest waiting writes (at most ``maxGroup``), or nil once none waits: the thing is idle again.
    private func nextGroup(_ thing: String) -> [Waiter]? {
        waiting.withLockedValue { waiting -> [Waiter]? in
            guard var queue = waiting[thing], !queue.isEmpty else {
                waiting[thing] = nil
                return nil
            }
            let group = Array(queue.prefix(maxGroup))
            queue.removeFirst(group.count)
            waiting[thing] = queue
            return group
        }
    }
}
