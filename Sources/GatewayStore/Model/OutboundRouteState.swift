/// The circuit breaker of one delivery route (an endpoint's primary or fallback URL) as its
/// delivery worker last reported it.
///
/// The breaker lives in the worker's memory (`fhir-gateway deliver`, a process of its own);
/// the worker writes this row when the breaker changes state, so `/metrics` of the serve
/// process, and anyone reading the store, sees it. An `open` row whose `openUntil` has passed
/// is half-open in effect: the next attempt is the probe.
public struct OutboundRouteState: Hashable, Sendable {
    public enum Route: String, Hashable, Sendable, CaseIterable {
        case primary
        case fallback
    }

    public enum Circuit: String, Hashable, Sendable, CaseIterable {
        case closed
        case open
        case halfOpen = "half_open"
    }

    public var endpointKey: String
    public var route: Route
    public var circuit: Circuit
    public var consecutiveFailures: Int
    /// While `open`: when the cool-down ends.
    public var openUntil: StoreTimestamp?
    public var changedAt: StoreTimestamp
    /// The worker that wrote it (several may serve one endpoint; the latest change wins).
    public var workerID: String

    public init(
        endpointKey: String, route: Route, circuit: Circuit, consecutiveFailures: Int, openUntil: StoreTimestamp?,
        changedAt: StoreTimestamp, workerID: String
    ) {
        self.endpointKey = endpointKey
        self.route = route
        self.circuit = circuit
        self.consecutiveFailures = consecutiveFailures
        self.openUntil = openUntil
        self.changedAt = changedAt
        self.workerID = workerID
    }

    /// The state at `now`: an open circuit whose cool-down has ended lets the probe through.
    public func circuit(at now: StoreTimestamp) -> Circuit {
        if circuit == .open, let until = openUntil, until <= now { return .halfOpen }
        return circuit
    }
}

/// One endpoint's messages in one status: how many, their attempts, and the oldest.
public struct OutboxStatistics: Hashable, Sendable {
    public var endpointKey: String
    public var status: OutboundStatus
    public var count: Int
    /// Attempts (claims) of these messages, summed.
    public var attempts: Int
    /// The highest attempt count among them.
    public var maxAttempts: Int
    /// When the oldest of them was enqueued.
    public var oldestCreatedAt: StoreTimestamp

    public init(
        endpointKey: String, status: OutboundStatus, count: Int, attempts: Int, maxAttempts: Int, oldestCreatedAt: StoreTimestamp
    ) {
        self.endpointKey = endpointKey
        self.status = status
        self.count = count
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.oldestCreatedAt = oldestCreatedAt
    }

    public var depth: QueueDepth { QueueDepth(endpointKey: endpointKey, status: status, count: count) }
}
