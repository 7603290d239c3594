/// Exponential backoff with full jitter (the AWS Architecture Blog's "Exponential Backoff and
/// Jitter"): the wait before attempt n+1 is uniform in `0 ... min(cap, base · 2^(n-1))`, which
/// spreads the retries of many messages after an outage instead of sending them in waves.
public struct Backoff: Sendable {
    public var base: Duration
    public var cap: Duration
    /// Picks a point in `0 ... ceiling`; tests pass a fixed choice.
    public var jitter: @Sendable (Duration) -> Duration

    public init(base: Duration, cap: Duration, jitter: @escaping @Sendable (Duration) -> Duration = Backoff.fullJitter) {
        self.base = base
        self.cap = cap
        self.jitter = jitter
    }

    /// The ceiling after `attempts` attempts (1 after the first failure).
    public func ceiling(afterAttempts attempts: Int) -> Duration {
        let exponent = min(max(attempts, 1) - 1, 40)
        let capped = min(cap, base * (1 << exponent))
        return capped < .zero ? cap : capped
    }

    /// The wait after `attempts` attempts, honouring a receiver's `Retry-After` as a floor.
    public func delay(afterAttempts attempts: Int, retryAfter: Duration? = nil) -> Duration {
        let jittered = jitter(ceiling(afterAttempts: attempts))
        guard let retryAfter else { return jittered }
        return max(jittered, retryAfter)
    }

    /// Uniform in `0 ... ceiling`, from the system's random source.
    public static let fullJitter: @Sendable (Duration) -> Duration = { ceiling in
        let nanos = ceiling.nanoseconds
        return nanos <= 0 ? .zero : .nanoseconds(Int64.random(in: 0...nanos))
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int64.max : product &+ attoseconds / 1_000_000_000
    }
}
