import Foundation
import Testing
@testable import GatewayStore

/// What `/metrics` reads about delivery: statistics per endpoint and status, and the circuit
/// state each route's worker last wrote (migration 2).
@Suite("Outbox statistics and route states")
struct OutboundRouteStateTests {
    @Test(arguments: StoreEngine.allCases)
    func statisticsCountAttemptsAndTheOldest(engine: StoreEngine) throws {
        let clock = TestClock()
        try withStore(engine, clock: clock) { (store) throws in
            let start = clock.now
            for (index, participant) in ["A", "B", "C"].enumerated() {
                try store.write { (transaction) throws in
                    _ = try transaction.enqueue(NewOutboundMessage(
                        id: "m\(index)", endpointKey: "pcp-a", participantKey: participant, priority: .routine,
                        idempotencyKey: "k\(index)", payload: Data("{}".utf8), contentType: "application/fhir+json"))
                }
                clock.advance(seconds: 10)
            }
            _ = try store.write { try $0.claimDueMessages(endpointKey: "pcp-a", limit: 1, leaseOwner: "w", lease: .seconds(30)) }
            #expect(try store.write { try $0.markFailed(id: "m0", leaseOwner: "w", error: "HTTP 503", nextAttemptAt: clock.now) })
            _ = try store.write { try $0.claimDueMessages(endpointKey: "pcp-a", limit: 1, leaseOwner: "w", lease: .seconds(30)) }
            let statistics = try store.read { try $0.outboxStatistics() }
            #expect(statistics == [
                OutboxStatistics(endpointKey: "pcp-a", status: .inFlight, count: 1, attempts: 2, maxAttempts: 2, oldestCreatedAt: start),
                OutboxStatistics(endpointKey: "pcp-a", status: .pending, count: 2, attempts: 0, maxAttempts: 0,
                                 oldestCreatedAt: start.adding(.seconds(10))),
            ])
            #expect(try store.read { try $0.queueDepth() } == statistics.map(\.depth))
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func routeStateIsReplacedOnEachChange(engine: StoreEngine) throws {
        let clock = TestClock()
        try withStore(engine, clock: clock) { (store) throws in
            #expect(try store.read { try $0.outboundRouteStates() }.isEmpty)
            let open = OutboundRouteState(endpointKey: "pcp-a", route: .primary, circuit: .open, consecutiveFailures: 5,
                                          openUntil: clock.now.adding(.seconds(30)), changedAt: clock.now, workerID: "w1")
            let fallback = OutboundRouteState(endpointKey: "pcp-a", route: .fallback, circuit: .closed, consecutiveFailures: 0,
                                              openUntil: nil, changedAt: clock.now, workerID: "w1")
            try store.write { (transaction) throws in
                try transaction.recordRouteState(open)
                try transaction.recordRouteState(fallback)
            }
            #expect(try store.read { try $0.outboundRouteStates() } == [fallback, open])
            #expect(open.circuit(at: clock.now) == .open)
            #expect(open.circuit(at: clock.now.adding(.seconds(30))) == .halfOpen, "the cool-down is over: the next attempt probes")
            clock.advance(seconds: 31)
            let closed = OutboundRouteState(endpointKey: "pcp-a", route: .primary, circuit: .closed, consecutiveFailures: 0,
                                            openUntil: nil, changedAt: clock.now, workerID: "w2")
            try store.write { try $0.recordRouteState(closed) }
            #expect(try store.read { try $0.outboundRouteStates() } == [fallback, closed])
        }
    }
}
