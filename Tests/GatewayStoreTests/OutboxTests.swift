import Foundation
import Testing
@testable import GatewayStore

@Suite("Outbox")
struct OutboxTests {
    func message(
        _ id: String, participant: String, priority: OutboundPriority = .routine, endpoint: String = "pcp-a", key: String? = nil
    ) -> NewOutboundMessage {
        NewOutboundMessage(
            id: id, endpointKey: endpoint, participantKey: participant, priority: priority, idempotencyKey: key ?? "key-\(id)",
            payload: Data("{\"id\":\"\(id)\"}".utf8), contentType: "application/fhir+json")
    }

    func claim(_ store: any GatewayStore, owner: String = "worker-1", limit: Int = 10, lease: Duration = .seconds(30)) throws -> [String] {
        try store.write { try $0.claimDueMessages(endpointKey: "pcp-a", limit: limit, leaseOwner: owner, lease: lease) }.map(\.id)
    }

    @Test(arguments: StoreEngine.allCases)
    func priorityFirstAndOneAtATimePerParticipant(engine: StoreEngine) throws {
        let clock = TestClock()
        try withStore(engine, clock: clock) { (store) throws in
            try store.write { (transaction) throws in
                for new in [
                    message("a1", participant: "A"), message("a2", participant: "A"), message("b1", participant: "B"),
                    message("a3-crisis", participant: "A", priority: .crisis), message("c1", participant: "C", priority: .urgent),
                    message("other-endpoint", participant: "A", endpoint: "pcp-b"),
                ] { _ = try transaction.enqueue(new) }
            }
            // Heads: A's crisis overtakes its routine ones; then C (urgent), then B.
            #expect(try claim(store) == ["a3-crisis", "c1", "b1"])
            #expect(try claim(store) == [])
            #expect(try store.write { try $0.markDelivered(id: "a3-crisis", remoteId: "DocumentReference/9", remoteStatus: "201") })
            #expect(try claim(store) == ["a1"])
            #expect(try store.write { try $0.markDelivered(id: "a1", remoteId: nil, remoteStatus: "201") })
            #expect(try claim(store) == ["a2"])
            let delivered = try store.read { try $0.outboundMessage(id: "a3-crisis") }
            #expect(delivered?.status == .delivered && delivered?.remoteId == "DocumentReference/9" && delivered?.deliveredAt == clock.now)
            let depth = try store.read { try $0.queueDepth() }
            #expect(depth == [
                QueueDepth(endpointKey: "pcp-a", status: .delivered, count: 2),
                QueueDepth(endpointKey: "pcp-a", status: .inFlight, count: 3),
                QueueDepth(endpointKey: "pcp-b", status: .pending, count: 1),
            ])
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func aCrashedWorkersLeaseExpiresAndTheMessageIsClaimedAgain(engine: StoreEngine) throws {
        let clock = TestClock()
        try withStore(engine, clock: clock) { (store) throws in
            try store.write { _ = try $0.enqueue(message("m1", participant: "A")) }
            #expect(try claim(store, owner: "worker-1") == ["m1"])
            clock.advance(seconds: 29)
            #expect(try claim(store, owner: "worker-2") == [])
            #expect(try store.read { try $0.nextDueTime(endpointKey: "pcp-a") } == clock.now.adding(.seconds(1)))
            clock.advance(seconds: 1)
            #expect(try claim(store, owner: "worker-2") == ["m1"])
            let reclaimed = try store.read { try $0.outboundMessage(id: "m1") }
            #expect(reclaimed?.attempts == 2 && reclaimed?.leaseOwner == "worker-2")
            // The first worker wakes up: its failure report no longer applies.
            #expect(try store.write { try $0.markFailed(id: "m1", leaseOwner: "worker-1", error: "timeout", nextAttemptAt: clock.now) } == false)
            // The holder fails it with backoff.
            let retryAt = clock.now.adding(.seconds(60))
            #expect(try store.write { try $0.markFailed(id: "m1", leaseOwner: "worker-2", error: "HTTP 503", nextAttemptAt: retryAt) })
            #expect(try claim(store) == [])
            #expect(try store.read { try $0.nextDueTime(endpointKey: nil) } == retryAt)
            clock.advance(seconds: 60)
            #expect(try claim(store, owner: "worker-3") == ["m1"])
            let third = try store.read { try $0.outboundMessage(id: "m1") }
            #expect(third?.attempts == 3 && third?.lastError == "HTTP 503" && third?.status == .inFlight)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func idempotencyKeysAreUniquePerEndpoint(engine: StoreEngine) throws {
        try withStore(engine) { (store) throws in
            let first = try store.write { try $0.enqueue(message("m1", participant: "A", key: "summary-2024-05")) }
            guard case .enqueued(let stored) = first else { Issue.record("expected enqueued"); return }
            let again = try store.write { try $0.enqueue(message("m2", participant: "A", key: "summary-2024-05")) }
            #expect(again == .alreadyQueued(stored))
            #expect(try store.read { try $0.outboundMessage(id: "m2") } == nil)
            let elsewhere = try store.write { try $0.enqueue(message("m3", participant: "A", endpoint: "pcp-b", key: "summary-2024-05")) }
            #expect(elsewhere.message.id == "m3")
            #expect(throws: StoreError.duplicate(what: "enqueue outbound message")) {
                try store.write { _ = try $0.enqueue(message("m1", participant: "A", key: "another")) }
            }
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func deadLetterUnblocksTheQueueAndReplayRequeues(engine: StoreEngine) throws {
        let clock = TestClock()
        try withStore(engine, clock: clock) { (store) throws in
            try store.write { (transaction) throws in
                _ = try transaction.enqueue(message("m1", participant: "A"))
                _ = try transaction.enqueue(message("m2", participant: "A"))
            }
            #expect(try claim(store) == ["m1"])
            #expect(try store.write { try $0.deadLetter(id: "m1", leaseOwner: "someone-else", error: "x") } == false)
            #expect(try store.write { try $0.deadLetter(id: "m1", leaseOwner: "worker-1", error: "HTTP 422 refused") })
            #expect(try claim(store) == ["m2"])
            let dead = try store.read { try $0.outboundMessages(endpointKey: "pcp-a", status: .deadLetter, limit: 10) }
            #expect(dead.map(\.id) == ["m1"] && dead.first?.lastError == "HTTP 422 refused")
            #expect(try store.write { try $0.markDelivered(id: "m2", remoteId: nil, remoteStatus: "201") })
            #expect(try store.write { try $0.replayDeadLetter(id: "m1") })
            #expect(try store.write { try $0.replayDeadLetter(id: "m1") } == false)
            let replayed = try store.read { try $0.outboundMessage(id: "m1") }
            #expect(replayed?.status == .pending && replayed?.attempts == 0)
            #expect(try claim(store) == ["m1"])
            // A pending message can be cancelled (consent revoked) without a lease.
            try store.write { _ = try $0.enqueue(message("m3", participant: "B")) }
            #expect(try store.write { try $0.deadLetter(id: "m3", leaseOwner: nil, error: "consent revoked") })
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func notBeforeDelaysTheFirstAttempt(engine: StoreEngine) throws {
        let clock = TestClock()
        try withStore(engine, clock: clock) { (store) throws in
            var delayed = message("m1", participant: "A")
            delayed.notBefore = clock.now.adding(.seconds(10))
            try store.write { _ = try $0.enqueue(delayed) }
            #expect(try claim(store) == [])
            clock.advance(seconds: 10)
            #expect(try claim(store) == ["m1"])
        }
    }
}
