import NIOConcurrencyHelpers
import OutpostWire

/// Per thing, one delivery at a time, and the writes that arrive meanwhile delivered together next.
///
/// The first write for an idle thing is delivered at once. Writes for the thing that arrive while
/// a delivery runs wait; when it is done, the oldest of them leads the next delivery with every
/// write that waited (up to ``maxGroup``), in arrival order. One delivery per thing keeps the
/// thing's order: a write cannot overtake one whose send fails and is stored for replay. Grouping
/// keeps the rate up when many clients write to one thing: they share one round trip to the
/// platform instead of queueing for one each (a group commit one hop before the platform's own).
final class ThingWriteGroups: Sendable {
    struct Write: Sendable {
        let request: RequestBody
        /// When the EMS accepted the write: the value's time stamp if it is sent as part of a push.
        let acceptedMillis: Int64
    }

    typealias Outcome = Result<ResponseBody?, PlatformLinkError>

    private enum Turn: Sendable {
        case done(Outcome)
        /// Deliver your write and these, then hand over.
        case lead([Waiter])
    }

    private struct Waiter: Sendable {
        let write: Write
        let continuation: CheckedContinuation<Turn, Never>
    }

    /// A thing is present while a delivery for it runs; the value holds the writes waiting.
    private let waiting = NIOLockedValueBox<[String: [Waiter]]>([:])
    let maxGroup: Int

    init(maxGroup: Int) {
        self.maxGroup = max(1, maxGroup)
    }

    /// Delivers `write` in its thing's turn, alone or with the writes that waited with it.
    /// `deliver` gets a group in arrival order and returns one outcome per write, in that order.
    func submit(_ write: Write, deliver: ([Write]) async -> [Outcome]) async -> Outcome {
        let thing = write.request.entityName
        // Not cancellable: the running delivery has its own timeouts, so the wait is bounded.
        let turn = await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
            let idle = waiting.withLockedValue { waiting -> Bool in
                guard waiting[thing] != nil else {
                    waiting[thing] = []
                    return true
                }
                waiting[thing]?.append(Waiter(write: write, continuation: continuation))
                return false
            }
            if idle { continuation.resume(returning: .lead([])) }
        }
        switch turn {
        case .done(let outcome):
            return outcome
        case .lead(let others):
            let outcomes = await deliver([write] + others.map(\.write))
            for (index, waiter) in others.enumerated() {
                let outcome = outcomes.indices.contains(index + 1) ? outcomes[index + 1] : .failure(.failed("internal error: no outcome for a grouped write"))
                waiter.continuation.resume(returning: .done(outcome))
            }
            handOver(thing)
            return outcomes.first ?? .failure(.failed("internal error: no outcome for a grouped write"))
        }
    }

    /// Writes for `thing` waiting for the running delivery to finish.
    func waitingCount(_ thing: String) -> Int {
        waiting.withLockedValue { $0[thing]?.count ?? 0 }
    }

    /// The oldest waiter leads the next group, or the thing is idle again.
    private func handOver(_ thing: String) {
        let next = waiting.withLockedValue { waiting -> (Waiter, [Waiter])? in
            guard var queue = waiting[thing], !queue.isEmpty else {
                waiting[thing] = nil
                return nil
            }
            let group = Array(queue.prefix(maxGroup))
            queue.removeFirst(group.count)
            waiting[thing] = queue
            return (group[0], Array(group.dropFirst()))
        }
        if let (leader, others) = next { leader.continuation.resume(returning: .lead(others)) }
    }
}
