/// A route's circuit breaker: closed while the receiver answers; open after `threshold`
/// consecutive failures, for `coolDown`; then half-open, letting one probe through, which
/// closes it on success or opens it again on failure.
///
/// A value type driven by explicit instants, so tests step it without waiting.
public struct CircuitBreaker: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        case closed
        case open(until: ContinuousClock.Instant)
        case halfOpen
    }

    public let threshold: Int
    public let coolDown: Duration
    public private(set) var consecutiveFailures = 0
    private var openedUntil: ContinuousClock.Instant?
    private var probeInFlight = false

    public init(threshold: Int, coolDown: Duration) {
        self.threshold = max(1, threshold)
        self.coolDown = coolDown
    }

    public func state(at now: ContinuousClock.Instant) -> State {
        guard let until = openedUntil else { return .closed }
        return now < until ? .open(until: until) : .halfOpen
    }

    /// Whether a request may go now; in half-open, only the first caller (the probe) may.
    public mutating func allowRequest(at now: ContinuousClock.Instant) -> Bool {
        switch state(at: now) {
        case .closed: return true
        case .open: return false
        case .halfOpen:
            if probeInFlight { return false }
            probeInFlight = true
            return true
        }
    }

    /// Whether a request could go now, without taking the probe.
    public func isAvailable(at now: ContinuousClock.Instant) -> Bool {
        switch state(at: now) {
        case .closed: true
        case .open: false
        case .halfOpen: !probeInFlight
        }
    }

    /// Gives the probe back when the request it was taken for was never sent.
    public mutating func releaseProbe() {
        probeInFlight = false
    }

    public mutating func recordSuccess() {
        consecutiveFailures = 0
        openedUntil = nil
        probeInFlight = false
    }

    public mutating func recordFailure(at now: ContinuousClock.Instant) {
        consecutiveFailures += 1
        let wasProbe = probeInFlight
        probeInFlight = false
        if wasProbe || consecutiveFailures >= threshold { openedUntil = now + coolDown }
    }
}
