import NIOConcurrencyHelpers

/// Refuses clients that failed authentication too often: after `limit` failures from one address
/// within `window`, further requests from it get 429 until the oldest failure leaves the window.
final class LoginThrottle: Sendable {
    private let limit: Int
    private let window: Duration
    private let failures = NIOLockedValueBox<[String: [ContinuousClock.Instant]]>([:])
    private let clock = ContinuousClock()

    init(limit: Int, window: Duration) {
        self.limit = limit
        self.window = window
    }

    /// Seconds to wait, or nil when the address may try.
    func retryAfter(_ address: String) -> Int? {
        let now = clock.now
        return failures.withLockedValue { failures -> Int? in
            guard var list = failures[address] else { return nil }
            list.removeAll { now - $0 >= window }
            failures[address] = list.isEmpty ? nil : list
            guard list.count >= limit, let oldest = list.first else { return nil }
            let wait = window - (now - oldest)
            return max(1, Int(wait.components.seconds) + 1)
        }
    }

    func recordFailure(_ address: String) {
        let now = clock.now
        failures.withLockedValue { failures in
            if failures.count > 10_000 {
                failures = failures.filter { $0.value.contains { now - $0 < window } }
            }
            failures[address, default: []].append(now)
            if failures[address]!.count > limit * 2 { failures[address]!.removeFirst() }
        }
    }
}
