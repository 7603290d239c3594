/// What one worker pass did, for tests, logs and metrics.
public struct DeliveryPassReport: Sendable, Hashable {
    public var claimed = 0
    public var delivered = 0
    public var retried = 0
    public var deadLettered = 0
    /// Held or cancelled by the disclosure gate.
    public var held = 0
    /// Found at the receiver by a search after an attempt whose outcome was unknown.
    public var foundBySearch = 0
    /// Sends to the fallback route.
    public var sentToFallback = 0
    /// Nothing was claimed because every route's circuit is open.
    public var circuitOpen = false

    public init() {}
}
