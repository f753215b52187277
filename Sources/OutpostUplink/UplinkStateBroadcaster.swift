import Foundation
import NIOConcurrencyHelpers

/// Holds the current ``UplinkState`` behind a lock and fans every change out to any number of
/// `AsyncStream` subscribers (each starts with the current state).
final class UplinkStateBroadcaster: Sendable {
    private struct Storage {
        var state = UplinkState()
        var subscribers: [UInt64: AsyncStream<UplinkState>.Continuation] = [:]
        var nextID: UInt64 = 0
    }

    private let storage = NIOLockedValueBox(Storage())

    var current: UplinkState { storage.withLockedValue { $0.state } }

    /// Applies `change`; when the phase changes, `since` is reset.
    func update(_ change: (inout UplinkState) -> Void) {
        let (state, subscribers) = storage.withLockedValue { storage -> (UplinkState, [AsyncStream<UplinkState>.Continuation]) in
            let before = storage.state.phase
            change(&storage.state)
            if storage.state.phase != before { storage.state.since = Date() }
            return (storage.state, Array(storage.subscribers.values))
        }
        for subscriber in subscribers { subscriber.yield(state) }
    }

    func stream() -> AsyncStream<UplinkState> {
        let (stream, continuation) = AsyncStream<UplinkState>.makeStream(bufferingPolicy: .bufferingNewest(64))
        let id = storage.withLockedValue { storage -> UInt64 in
            let id = storage.nextID
            storage.nextID += 1
            storage.subscribers[id] = continuation
            continuation.yield(storage.state)
            return id
        }
        continuation.onTermination = { [weak self] _ in
            self?.storage.withLockedValue { _ = $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    func finish() {
        let subscribers = storage.withLockedValue { storage in
            defer { storage.subscribers = [:] }
            return Array(storage.subscribers.values)
        }
        for subscriber in subscribers { subscriber.finish() }
    }
}
