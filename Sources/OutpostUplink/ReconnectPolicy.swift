/// When to try again: safe for a fleet of thousands of gateways reconnecting to one platform.
///
/// * A random first delay (up to `max_connect_delay`) spreads a fleet that boots together.
/// * Failures back off with decorrelated jitter (`min(cap, random(base, 3 × previous))`), so retries
///   neither synchronise nor grow without bound.
/// * A connection that stayed up for ``stableAfter`` proves the platform healthy: the next failure
///   starts again from a short, jittered delay.
/// * A rejected app key or client certificate opens a breaker: retrying soon cannot help, so the
///   delay starts at ``credentialFailureDelay`` and doubles up to ``maxCredentialFailureDelay``.
///
/// Pure values: ``ReconnectBackoff`` steps with a caller-supplied random number generator, so tests
/// replay it with a seed.
public struct ReconnectPolicy: Sendable, Hashable {
    public var maxInitialDelay: Duration
    /// `connect_retry_interval`; raised to ``minimumDelay`` so a 0 never makes a hot loop.
    public var baseDelay: Duration
    public var maxDelay: Duration
    public var minimumDelay: Duration
    public var stableAfter: Duration
    public var credentialFailureDelay: Duration
    public var maxCredentialFailureDelay: Duration

    public init(
        maxInitialDelay: Duration = .zero,
        baseDelay: Duration = .seconds(10),
        maxDelay: Duration = .seconds(300),
        minimumDelay: Duration = .milliseconds(500),
        stableAfter: Duration = .seconds(60),
        credentialFailureDelay: Duration = .seconds(300),
        maxCredentialFailureDelay: Duration = .seconds(3_600)
    ) {
        self.maxInitialDelay = maxInitialDelay
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.minimumDelay = minimumDelay
        self.stableAfter = stableAfter
        self.credentialFailureDelay = credentialFailureDelay
        self.maxCredentialFailureDelay = maxCredentialFailureDelay
    }

    /// Every duration multiplied by `factor` (tests run an hour of policy in seconds).
    public func scaled(by factor: Double) -> ReconnectPolicy {
        func scale(_ duration: Duration) -> Duration { duration * factor }
        return ReconnectPolicy(
            maxInitialDelay: scale(maxInitialDelay), baseDelay: scale(baseDelay), maxDelay: scale(maxDelay),
            minimumDelay: scale(minimumDelay), stableAfter: scale(stableAfter),
            credentialFailureDelay: scale(credentialFailureDelay),
            maxCredentialFailureDelay: scale(maxCredentialFailureDelay))
    }

    /// The most connection attempts a gateway whose credentials are refused can make in `window`,
    /// counting the first one: each refusal waits at least ``credentialFailureDelay``.
    public func maximumAttemptsWithRejectedCredentials(in window: Duration) -> Int {
        1 + Int(window / credentialFailureDelay)
    }

    var effectiveBase: Duration { max(baseDelay, minimumDelay) }
}

/// How an attempt ended, as far as the backoff cares.
public enum AttemptOutcome: Sendable, Hashable {
    /// Never got a working session (connect, TLS or upgrade failed).
    case failed
    /// The platform refused the app key or the client certificate.
    case credentialsRejected
    /// Was connected and authenticated for this long, then lost the connection.
    case disconnected(after: Duration)
}

/// The backoff state between attempts.
public struct ReconnectBackoff: Sendable, Hashable {
    public let policy: ReconnectPolicy
    private var previous: Duration
    private var credentialStreak = 0

    public init(policy: ReconnectPolicy) {
        self.policy = policy
        self.previous = policy.effectiveBase
    }

    /// True while credential rejections keep the long delays in force.
    public var isBreakerOpen: Bool { credentialStreak > 0 }

    /// The wait before the very first attempt.
    public func initialDelay(using generator: inout some RandomNumberGenerator) -> Duration {
        Self.random(from: .zero, to: policy.maxInitialDelay, using: &generator)
    }

    /// The wait before the next attempt.
    public mutating func delay(after outcome: AttemptOutcome, using generator: inout some RandomNumberGenerator) -> Duration {
        let base = policy.effectiveBase
        switch outcome {
        case .credentialsRejected:
            credentialStreak += 1
            let doublings = min(credentialStreak - 1, 20)
            let step = min(policy.maxCredentialFailureDelay, policy.credentialFailureDelay * (1 << doublings))
            // Up to +10 % jitter, never above the cap and never below the breaker's floor.
            let jittered = Self.random(from: step, to: step * 1.1, using: &generator)
            return max(policy.credentialFailureDelay, min(policy.maxCredentialFailureDelay, jittered))
        case .disconnected(let upFor) where upFor >= policy.stableAfter:
            credentialStreak = 0
            previous = base
            return Self.random(from: policy.minimumDelay, to: base, using: &generator)
        case .disconnected, .failed:
            credentialStreak = 0
            let upper = min(policy.maxDelay, max(base, previous * 3))
            let next = min(policy.maxDelay, Self.random(from: base, to: upper, using: &generator))
            previous = next
            return next
        }
    }

    static func random(from low: Duration, to high: Duration, using generator: inout some RandomNumberGenerator) -> Duration {
        guard high > low else { return low }
        let span = (high - low).attoseconds / 1_000_000_000
        guard span > 0 else { return low }
        let pick = Int64.random(in: 0...Int64(clamping: span), using: &generator)
        return low + .nanoseconds(pick)
    }
}
