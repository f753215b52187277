import NIOConcurrencyHelpers
import NIOCore
import OutpostWire

/// Requests sent on one connection and waiting for their response, keyed by request id (the C SDK
/// correlates by request id only). Bounded by `max_messages`; each entry has its own timeout.
final class PendingRequests: Sendable {
    private struct Entry {
        var continuation: CheckedContinuation<AlwaysOnMessage, any Error>
        var timeout: Scheduled<Void>?
    }

    private struct Storage {
        var entries: [UInt32: Entry] = [:]
        /// Set once the connection is gone: later requests fail at once.
        var closedWith: UplinkError?
    }

    private let storage = NIOLockedValueBox(Storage())
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    var count: Int { storage.withLockedValue { $0.entries.count } }

    /// Registers a waiter; throws at once when the limit is reached or the connection is closed.
    func add(_ id: UInt32, _ continuation: CheckedContinuation<AlwaysOnMessage, any Error>) throws(UplinkError) {
        let failure = storage.withLockedValue { storage -> UplinkError? in
            if let closed = storage.closedWith { return closed }
            guard storage.entries.count < limit else {
                return UplinkError(
                    .tooManyRequests,
                    "\(limit) requests are already waiting for the platform (ws_connection.max_messages); try again shortly")
            }
            storage.entries[id] = Entry(continuation: continuation, timeout: nil)
            return nil
        }
        if let failure { throw failure }
    }

    func attachTimeout(_ id: UInt32, _ timeout: Scheduled<Void>) {
        let keep = storage.withLockedValue { storage -> Bool in
            guard storage.entries[id] != nil else { return false }
            storage.entries[id]!.timeout = timeout
            return true
        }
        if !keep { timeout.cancel() }
    }

    /// Delivers a response; false when nobody waits for it (timed out, or never sent).
    @discardableResult
    func resolve(_ message: AlwaysOnMessage) -> Bool {
        guard let entry = storage.withLockedValue({ $0.entries.removeValue(forKey: message.requestID) }) else { return false }
        entry.timeout?.cancel()
        entry.continuation.resume(returning: message)
        return true
    }

    func fail(_ id: UInt32, _ error: any Error) {
        guard let entry = storage.withLockedValue({ $0.entries.removeValue(forKey: id) }) else { return }
        entry.timeout?.cancel()
        entry.continuation.resume(throwing: error)
    }

    /// Fails every waiter and refuses new ones.
    func close(with error: UplinkError) {
        let entries = storage.withLockedValue { storage -> [Entry] in
            if storage.closedWith == nil { storage.closedWith = error }
            defer { storage.entries = [:] }
            return Array(storage.entries.values)
        }
        for entry in entries {
            entry.timeout?.cancel()
            entry.continuation.resume(throwing: error)
        }
    }
}
