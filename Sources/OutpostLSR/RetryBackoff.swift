/// Capped exponential backoff with jitter for registration retries: the delay doubles per failure from
/// `initial` up to `maximum`, and each delay is drawn between half and all of that value, so many things
/// (or many gateways) do not retry in lock step.
struct RetryBackoff: Sendable {
    let initial: Duration
    let maximum: Duration
    private(set) var failures = 0

    init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = max(initial, maximum)
    }

    /// Records a failure and returns how long to wait before the next attempt.
    mutating func nextDelay() -> Duration {
        failures += 1
        let exponent = min(failures - 1, 30)
        var ceiling = initial * (1 << exponent)
        if ceiling > maximum { ceiling = maximum }
        let milliseconds = Double(ceiling.components.seconds) * 1000 + Double(ceiling.components.attoseconds) / 1e15
        return .milliseconds(Int64(Double.random(in: (milliseconds / 2)...milliseconds)))
    }

    mutating func reset() {
        failures = 0
    }
}
