import Foundation
import GatewayStore

/// Delivers one endpoint's queue: claims due messages with a lease, checks each against the
/// disclosure gate, sends it over the primary route (or the fallback), and records the outcome
/// in the store (ARCHITECTURE.md decision 6).
///
/// Order and priority are the store's: a claim returns only the head of each (endpoint,
/// participant) queue, best priority then oldest, so a participant's next message cannot leave
/// before the previous one is delivered or dead-lettered, retries included, and a crisis notice
/// is claimed before routine traffic. Several workers (or processes) may serve one endpoint;
/// the lease keeps them apart, and a crashed worker's messages come back when it expires.
///
/// Every state change of a message or of a route's circuit is one `DeliveryLog` line; circuit
/// changes are also written to the store (`reportCircuits`), where `/metrics` reads them.
public actor EndpointWorker {
    public nonisolated let endpoint: OutboundEndpoint
    public nonisolated let workerID: String
    let store: any GatewayStore
    let policy: DeliveryPolicy
    let gate: any DisclosureGate
    let client: DeliveryClient
    let authenticator: ReceiverAuthenticator
    let backoff: Backoff
    var primaryBreaker: CircuitBreaker
    var fallbackBreaker: CircuitBreaker
    let log: DeliveryLog
    /// The circuit state last written to the store (and logged) per route.
    var reportedCircuits: [OutboundRouteState.Route: OutboundRouteState.Circuit] = [:]

    /// Marks a `lastError` after which the receiver may have the message: a receiver that does
    /// not suppress duplicates is searched before the next send. Kept through dead-lettering,
    /// so a replay searches too.
    static let outcomeUnknownMarker = "outcome unknown: "
    static let auditActor = "system:outbound"

    public init(
        endpoint: OutboundEndpoint, store: any GatewayStore, policy: DeliveryPolicy = DeliveryPolicy(),
        gate: any DisclosureGate = PermitAllGate(), client: DeliveryClient = .shared,
        authenticator: ReceiverAuthenticator = ReceiverAuthenticator(), workerID: String = "outbound-" + UUID().uuidString.lowercased(),
        jitter: @escaping @Sendable (Duration) -> Duration = Backoff.fullJitter, log: DeliveryLog = .standardError
    ) {
        self.endpoint = endpoint
        self.store = store
        self.policy = policy
        self.gate = gate
        self.client = client
        self.authenticator = authenticator
        self.workerID = workerID
        self.log = log
        self.backoff = Backoff(base: policy.backoffBase, cap: policy.backoffCap, jitter: jitter)
        primaryBreaker = CircuitBreaker(threshold: policy.circuitFailureThreshold, coolDown: policy.circuitCoolDown)
        fallbackBreaker = CircuitBreaker(threshold: policy.circuitFailureThreshold, coolDown: policy.circuitCoolDown)
    }

    public func circuitState(fallback: Bool = false) -> CircuitBreaker.State {
        (fallback ? fallbackBreaker : primaryBreaker).state(at: .now)
    }

    /// Serves the queue until the task is cancelled: a pass, then (when it claimed nothing) a
    /// sleep until the next message is due, a circuit may close, or `idlePoll` has passed.
    public func run() async {
        while !Task.isCancelled {
            let report: DeliveryPassReport
            do {
                report = try await runOnce()
            } catch {
                try? await Task.sleep(for: policy.idlePoll)  // the store is busy or gone: look again later
                continue
            }
            if report.claimed > 0 { continue }
            try? await Task.sleep(for: await idleWait(circuitOpen: report.circuitOpen))
        }
    }

    /// One pass: claim up to `batchSize` due messages (one, as the probe, while the primary is
    /// half-open and there is no fallback) and deliver them in claim order.
    public func runOnce() async throws -> DeliveryPassReport {
        var report = DeliveryPassReport()
        await reportCircuits()
        let now = ContinuousClock.now
        let primaryAvailable = primaryBreaker.isAvailable(at: now)
        let fallbackAvailable = endpoint.fallback != nil && fallbackBreaker.isAvailable(at: now)
        guard primaryAvailable || fallbackAvailable else {
            report.circuitOpen = true
            return report
        }
        let probing = primaryBreaker.state(at: now) == .halfOpen && !fallbackAvailable
        let (key, owner, lease) = (endpoint.key, workerID, policy.lease)
        let limit = probing ? 1 : max(1, policy.batchSize)
        let claimed = try await store.writeAsync { transaction in
            try transaction.claimDueMessages(endpointKey: key, limit: limit, leaseOwner: owner, lease: lease)
        }
        report.claimed = claimed.count
        for message in claimed {
            log.event("outbound.claimed", endpoint: key, ["message": message.id, "attempt": message.attempts])
        }
        for message in claimed {
            try await attempt(message, report: &report)
        }
        return report
    }

    private func idleWait(circuitOpen: Bool) async -> Duration {
        var wait = policy.idlePoll
        if circuitOpen {
            let now = ContinuousClock.now
            for breaker in [primaryBreaker] + (endpoint.fallback == nil ? [] : [fallbackBreaker]) {
                if case .open(let until) = breaker.state(at: now) { wait = min(wait, until - now) }
            }
        } else if let next = try? await store.readAsync({ [key = endpoint.key] reader in try reader.nextDueTime(endpointKey: key) }) {
            let micros = next.microsecondsSinceEpoch - StoreTimestamp.now().microsecondsSinceEpoch
            wait = min(wait, .microseconds(max(0, micros)))
        }
        return max(wait, .milliseconds(2))
    }
}
