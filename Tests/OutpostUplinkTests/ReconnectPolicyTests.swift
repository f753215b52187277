import OutpostUplink
import Testing
import OutpostTestSupport

/// The reconnect policy as a pure value, replayed with a seeded generator.
@Suite(.blockingWork)
struct ReconnectPolicyTests {
    /// SplitMix64: a small deterministic generator.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    let policy = ReconnectPolicy(maxInitialDelay: .seconds(10), baseDelay: .seconds(10))

    @Test func initialDelay_staysWithinMaxConnectDelay_andSpreads() {
        var generator = Seeded(state: 7)
        let backoff = ReconnectBackoff(policy: policy)
        let delays = (0..<200).map { _ in backoff.initialDelay(using: &generator) }
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= .seconds(10) })
        #expect(Set(delays.map { $0.components.seconds }).count > 5)
        var again = Seeded(state: 7)
        #expect(backoff.initialDelay(using: &again) == delays[0])
    }

    @Test func failures_backOffWithJitter_upToTheCap() {
        var generator = Seeded(state: 42)
        var backoff = ReconnectBackoff(policy: policy)
        var delays: [Duration] = []
        for _ in 0..<50 { delays.append(backoff.delay(after: .failed, using: &generator)) }
        #expect(delays.allSatisfy { $0 >= .seconds(10) && $0 <= .seconds(300) })
        #expect(delays.suffix(20).contains { $0 > .seconds(100) })
        // Decorrelated: not all the same.
        #expect(Set(delays).count > 40)
    }

    @Test func stableConnection_resetsTheBackoff() {
        var generator = Seeded(state: 3)
        var backoff = ReconnectBackoff(policy: policy)
        for _ in 0..<30 { _ = backoff.delay(after: .failed, using: &generator) }
        let afterStable = backoff.delay(after: .disconnected(after: .seconds(120)), using: &generator)
        #expect(afterStable <= .seconds(10))
        let next = backoff.delay(after: .failed, using: &generator)
        #expect(next <= .seconds(30))
        // A short-lived connection does not reset it.
        for _ in 0..<30 { _ = backoff.delay(after: .failed, using: &generator) }
        let afterFlap = backoff.delay(after: .disconnected(after: .seconds(2)), using: &generator)
        #expect(afterFlap >= .seconds(10))
    }

    @Test func rejectedCredentials_openTheBreaker_doublingToOneHour() {
        var generator = Seeded(state: 9)
        var backoff = ReconnectBackoff(policy: policy)
        var delays: [Duration] = []
        for _ in 0..<10 { delays.append(backoff.delay(after: .credentialsRejected, using: &generator)) }
        #expect(backoff.isBreakerOpen)
        #expect(delays[0] >= .seconds(300))
        #expect(delays[1] >= .seconds(600))
        #expect(delays.allSatisfy { $0 <= .seconds(3_600) })
        #expect(delays.last == .seconds(3_600))
        _ = backoff.delay(after: .disconnected(after: .seconds(90)), using: &generator)
        #expect(!backoff.isBreakerOpen)
    }

    @Test func rejectedCredentials_allowAtMostOneAttemptPerMinuteWindow() {
        // Simulate a day of a gateway with a revoked app key.
        var generator = Seeded(state: 11)
        var backoff = ReconnectBackoff(policy: policy)
        var time = Duration.zero
        var attempts: [Duration] = [time]
        while time < .seconds(86_400) {
            time += backoff.delay(after: .credentialsRejected, using: &generator)
            attempts.append(time)
        }
        #expect(policy.maximumAttemptsWithRejectedCredentials(in: .seconds(60)) == 1)
        for (index, start) in attempts.enumerated() {
            let inWindow = attempts[index...].prefix { $0 < start + .seconds(60) }.count
            #expect(inWindow <= 1)
        }
        #expect(attempts.count < 40)
    }

    @Test func zeroRetryInterval_neverMakesAHotLoop() {
        var generator = Seeded(state: 5)
        var backoff = ReconnectBackoff(policy: ReconnectPolicy(baseDelay: .zero))
        for _ in 0..<20 { #expect(backoff.delay(after: .failed, using: &generator) >= .milliseconds(500)) }
    }
}
