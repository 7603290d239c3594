import Foundation
import GatewayStore
import GatewayTestSupport
import IOPDomain
@testable import Outbound

/// Messages, stores and workers with test-sized timings.
enum Fixture {
    static func store() throws -> SQLiteGatewayStore { try SQLiteGatewayStore.inMemory() }

    static func policy(_ adjust: (inout DeliveryPolicy) -> Void = { _ in }) -> DeliveryPolicy {
        var policy = DeliveryPolicy()
        policy.attemptDeadline = .seconds(2)
        policy.backoffBase = .milliseconds(10)
        policy.backoffCap = .milliseconds(40)
        policy.maxAttempts = 8
        policy.circuitFailureThreshold = 100
        policy.circuitCoolDown = .milliseconds(200)
        policy.lease = .seconds(30)
        policy.idlePoll = .milliseconds(20)
        adjust(&policy)
        return policy
    }

    static func route(_ url: URL, _ profile: OutboundDeliveryProfile, auth: ReceiverAuthentication = .none) throws -> EndpointRoute {
        try EndpointRoute(target: EndpointTarget(baseURL: url, deliveryProfile: .conditionalCreate), profile: profile, authentication: auth)
    }

    /// A Communication about `participant` whose payload text is `label` (the receiver reads it back).
    static func communication(_ participant: String, _ label: String) -> Data {
        Data("""
            {"resourceType":"Communication","status":"completed","subject":{"reference":"Patient/\(participant)"},\
            "payload":[{"contentString":"\(label)"}]}
            """.utf8)
    }

    static func note(_ participant: String) -> Data {
        Data("""
            {"resourceType":"DocumentReference","status":"current","type":{"coding":[{"system":"http://loinc.org","code":"11506-3"}]},\
            "subject":{"reference":"Patient/\(participant)"},"content":[{"attachment":{"contentType":"text/plain","data":"aGVsbG8="}}]}
            """.utf8)
    }

    @discardableResult
    /// `consented`: queued as the gateway's own updates are (intent and consent, for the gate
    /// that `fhir-gateway deliver` runs), not bare.
    static func enqueue(
        _ store: some GatewayStore, endpoint: String = "pcp-1", participant: String, label: String,
        priority: OutboundPriority = .routine, payload: Data? = nil, consented: Bool = false
    ) throws -> OutboundMessage {
        try store.write { transaction in
            let message = NewOutboundMessage(
                id: UUID().uuidString.lowercased(), endpointKey: endpoint, participantKey: participant, priority: priority,
                idempotencyKey: "key-" + label, payload: payload ?? communication(participant, label),
                contentType: "application/fhir+json")
            return try (consented ? ConsentedMessages.enqueue(message, in: transaction) : transaction.enqueue(message)).message
        }
    }

    static func message(_ store: some GatewayStore, _ id: String) throws -> OutboundMessage? {
        try store.read { try $0.outboundMessage(id: id) }
    }

    static func messages(_ store: some GatewayStore, _ status: OutboundStatus) throws -> [OutboundMessage] {
        try store.read { try $0.outboundMessages(endpointKey: nil, status: status, limit: 1000) }
    }

    /// Runs passes until nothing is open or `timeout` passes; returns the number of passes.
    @discardableResult
    static func drain(_ worker: EndpointWorker, _ store: some GatewayStore, timeout: Duration = .seconds(20)) async throws -> Int {
        let start = ContinuousClock.now
        var passes = 0
        while ContinuousClock.now - start < timeout {
            let open = try messages(store, .pending).count + messages(store, .inFlight).count
            if open == 0 { return passes }
            let report = try await worker.runOnce()
            passes += 1
            if report.claimed == 0 { try await Task.sleep(for: .milliseconds(5)) }
        }
        return passes
    }
}
