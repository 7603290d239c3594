/// The knobs of delivery for one endpoint. Defaults suit production; tests shrink the times.
public struct DeliveryPolicy: Sendable, Hashable {
    /// Our own total deadline for one HTTP exchange (URLSession's timeouts are idle timers on
    /// Linux and are truncated to whole seconds: PLATFORM-NOTES.md).
    public var attemptDeadline: Duration = .seconds(30)
    /// The first retry waits up to `backoffBase`, doubling per attempt, never more than `backoffCap`.
    public var backoffBase: Duration = .seconds(2)
    public var backoffCap: Duration = .seconds(15 * 60)
    /// A receiver's `Retry-After` is honoured up to this long.
    public var maxRetryAfter: Duration = .seconds(6 * 60 * 60)
    /// Give up (dead letter) after this many attempts ...
    public var maxAttempts: Int = 12
    /// ... or once the message is this old, whichever comes first.
    public var maxAge: Duration = .seconds(72 * 60 * 60)
    /// Consecutive retryable failures of one route that open its circuit.
    public var circuitFailureThreshold: Int = 5
    /// How long an open circuit stays open before one probe is let through.
    public var circuitCoolDown: Duration = .seconds(60)
    /// Send a message to the fallback route (when there is one) once it has had this many
    /// attempts; nil: only while the primary's circuit is open.
    public var fallbackAfterAttempts: Int?
    /// Messages claimed per pass; they are delivered one after another in claim order.
    public var batchSize: Int = 8
    /// Long enough for a whole batch, with authentication and a search each.
    public var lease: Duration = .seconds(15 * 60)
    /// The longest an idle worker sleeps before it looks at the queue again.
    public var idlePoll: Duration = .seconds(1)

    public init() {}
}
