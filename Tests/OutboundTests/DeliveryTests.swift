import Foundation
import GatewayStore
import GatewayTestSupport
import HTTPServer
import Synchronization
import Testing
@testable import Outbound

/// One message against a scripted receiver on loopback, per outcome the issue names.
@Suite("Delivery against scripted receivers", .serialized)
struct DeliveryTests {
    /// A receiver, a store with one message, and a worker for the given profile.
    func setUp(
        _ profile: OutboundDeliveryProfile = .rest, payload: Data? = nil, policy: DeliveryPolicy = Fixture.policy(),
        script: @escaping @Sendable (ScriptedReceiver.Recorded, Int) -> ScriptedReceiver.Reply
    ) async throws -> (ScriptedReceiver, LoopbackServer, SQLiteGatewayStore, EndpointWorker, OutboundMessage) {
        let receiver = ScriptedReceiver(script: script)
        let server = try await LoopbackServer.start(receiver)
        let store = try Fixture.store()
        let message = try Fixture.enqueue(store, participant: "p1", label: "m1", payload: payload)
        let endpoint = OutboundEndpoint(key: "pcp-1", primary: try Fixture.route(server.baseURL, profile))
        let worker = EndpointWorker(endpoint: endpoint, store: store, policy: policy, gate: PermitAllGate(), jitter: { $0 }, log: .discard)
        return (receiver, server, store, worker, message)
    }

    @Test("accept: 201 → delivered, with the receiver's id and version, a Content-Type and the identifier")
    func accept() async throws {
        let (receiver, server, store, worker, message) = try await setUp { _, _ in .create() }
        defer { Task { await server.stop() } }
        let report = try await worker.runOnce()
        #expect(report.delivered == 1)
        let stored = try #require(try Fixture.message(store, message.id))
        #expect(stored.status == .delivered)
        #expect(stored.remoteId == "Communication/1/_history/1")
        #expect(stored.remoteStatus == "201")
        let request = try #require(receiver.requests.first)
        #expect(request.method == "POST" && request.path == "/fhir/Communication")
        #expect(request.headers["Content-Type"]?.hasPrefix("application/fhir+json") == true)
        #expect(request.headers["If-None-Exist"] == "identifier=\(OutboundIdentifier.system)|key-m1")
        let audit = try store.read { try $0.auditEvents(in: TimeRange(), afterSequence: nil, limit: 10) }
        #expect(audit.map(\.outcome) == ["success"] && audit.first?.action == "disclose")
    }

    @Test("fail then succeed: a 500 is retried after the backoff, then delivered")
    func failThenSucceed() async throws {
        let (receiver, server, store, worker, message) = try await setUp { _, index in index == 0 ? .status(500) : .create() }
        defer { Task { await server.stop() } }
        #expect(try await worker.runOnce().retried == 1)
        let pending = try #require(try Fixture.message(store, message.id))
        #expect(pending.status == .pending && pending.lastError == "primary: HTTP 500")
        try await Fixture.drain(worker, store)
        #expect(try Fixture.message(store, message.id)?.status == .delivered)
        #expect(try Fixture.message(store, message.id)?.attempts == 2)
        #expect(receiver.filed.count == 1)
    }

    @Test("429 with Retry-After: the next attempt waits at least that long")
    func tooManyRequests() async throws {
        let (_, server, store, worker, message) = try await setUp { _, _ in .status(429, headers: [("Retry-After", "3")]) }
        defer { Task { await server.stop() } }
        let before = StoreTimestamp.now()
        _ = try await worker.runOnce()
        let pending = try #require(try Fixture.message(store, message.id))
        #expect(pending.status == .pending)
        #expect(pending.nextAttemptAt >= before.adding(.seconds(3)))
        #expect(pending.nextAttemptAt < before.adding(.seconds(5)))
    }

    @Test("a redirect is a failure and is not followed")
    func redirect() async throws {
        let (receiver, server, store, worker, message) = try await setUp { _, _ in
            .status(302, headers: [("Location", "/elsewhere/Communication")])
        }
        defer { Task { await server.stop() } }
        _ = try await worker.runOnce()
        #expect(receiver.requests.count == 1, "the Location was not requested")
        let pending = try #require(try Fixture.message(store, message.id))
        #expect(pending.status == .pending && pending.lastError == "primary: redirect refused (HTTP 302)")
    }

    @Test("a 4xx goes to the dead letters at once, with the receiver's OperationOutcome text")
    func permanentFailure() async throws {
        let (_, server, store, worker, message) = try await setUp { _, _ in
            .status(422, headers: [("Content-Type", "application/fhir+json")], body: ScriptedReceiver.outcome("Profile not supported"))
        }
        defer { Task { await server.stop() } }
        #expect(try await worker.runOnce().deadLettered == 1)
        let dead = try #require(try Fixture.message(store, message.id))
        #expect(dead.status == .deadLetter)
        #expect(dead.lastError == "primary: rejected: HTTP 422: error/invalid Profile not supported")
        #expect(dead.attempts == 1)
    }

    @Test("503 until the platform is back: retried with backoff, delivered once it answers")
    func unavailableUntilBack() async throws {
        let back = Atomic<Bool>(false)
        let (receiver, server, store, worker, message) = try await setUp { _, _ in
            back.load(ordering: .relaxed) ? .create() : .status(503, body: "maintenance")
        }
        defer { Task { await server.stop() } }
        for _ in 0..<3 {
            _ = try await worker.runOnce()
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try Fixture.message(store, message.id)?.status == .pending)
        back.store(true, ordering: .relaxed)
        try await Fixture.drain(worker, store)
        let delivered = try #require(try Fixture.message(store, message.id))
        #expect(delivered.status == .delivered && delivered.attempts == 4)
        #expect(receiver.filed.count == 1)
    }

    @Test("connection closed mid-response: resent with If-None-Exist, and the receiver files it once")
    func closedMidResponse() async throws {
        let (receiver, server, store, worker, message) = try await setUp(.rest) { _, index in index == 0 ? .createThenDrop : .create() }
        defer { Task { await server.stop() } }
        #expect(try await worker.runOnce().retried == 1)
        #expect(try Fixture.message(store, message.id)?.lastError?.contains(EndpointWorker.outcomeUnknownMarker) == true)
        try await Fixture.drain(worker, store)
        #expect(try Fixture.message(store, message.id)?.status == .delivered)
        #expect(receiver.filed.count == 1)
        #expect(receiver.requests.filter { $0.method == "POST" }.count == 2)
    }

    @Test("stored, then the response lost (note profile, no conditional create): searched, not resent")
    func storedThenLost() async throws {
        let (receiver, server, store, worker, message) = try await setUp(.note, payload: Fixture.note("p1")) { _, index in
            index == 0 ? .createThenDrop : .create(honourConditional: false)
        }
        defer { Task { await server.stop() } }
        _ = try await worker.runOnce()
        try await Fixture.drain(worker, store)
        let delivered = try #require(try Fixture.message(store, message.id))
        #expect(delivered.status == .delivered)
        #expect(delivered.remoteStatus == "found by identifier")
        #expect(delivered.remoteId == "DocumentReference/1/_history/1")
        #expect(receiver.filed.count == 1, "no duplicate note")
        #expect(receiver.requests.map(\.method) == ["POST", "GET"])
        #expect(receiver.requests[1].query?.contains("identifier=") == true)
    }

    @Test("no response within our deadline: outcome unknown, searched before a resend")
    func deadline() async throws {
        // Generous on every side, so a loaded machine cannot blur them: the request is surely
        // sent within the deadline (a tighter one once ran out before it was, under a full CI
        // run, which is "not sent", not "outcome unknown"), and the stall is far longer.
        let policy = Fixture.policy { $0.attemptDeadline = .milliseconds(1500) }
        let (receiver, server, store, worker, message) = try await setUp(.note, payload: Fixture.note("p1"), policy: policy) { _, index in
            index == 0 ? .createThenStall(.seconds(12)) : .create(honourConditional: false)
        }
        defer { Task { await server.stop() } }
        let started = ContinuousClock.now
        _ = try await worker.runOnce()
        #expect(ContinuousClock.now - started < .seconds(8), "our deadline, not the end of the receiver's stall")
        let lastError = try Fixture.message(store, message.id)?.lastError
        #expect(lastError == "primary: outcome unknown: no complete response within the attempt deadline")
        try await Fixture.drain(worker, store)
        #expect(try Fixture.message(store, message.id)?.status == .delivered)
        #expect(receiver.filed.count == 1)
    }

    @Test("transaction profile: a Bundle with a conditional create; the entry's location is recorded")
    func transaction() async throws {
        let (receiver, server, store, worker, message) = try await setUp(.transaction) { _, _ in .create() }
        defer { Task { await server.stop() } }
        _ = try await worker.runOnce()
        let request = try #require(receiver.requests.first)
        #expect(request.path == "/fhir")
        let body = String(decoding: request.body, as: UTF8.self)
        #expect(body.contains(#""type":"transaction""#) && body.contains(#""ifNoneExist":"identifier="#))
        let delivered = try #require(try Fixture.message(store, message.id))
        #expect(delivered.status == .delivered && delivered.remoteId == "Communication/1/_history/1" && delivered.remoteStatus == "201 Created")
    }

    @Test("note profile refuses anything but a DocumentReference (dead letter, nothing sent)")
    func noteProfileRefusesOtherTypes() async throws {
        let (receiver, server, store, worker, message) = try await setUp(.note) { _, _ in .create() }
        defer { Task { await server.stop() } }
        _ = try await worker.runOnce()
        #expect(receiver.requests.isEmpty)
        #expect(try Fixture.message(store, message.id)?.status == .deadLetter)
    }

    @Test("receiver down (connection refused): not sent, retried without a search marker")
    func connectionRefused() async throws {
        let (_, server, store, worker, message) = try await setUp(.note, payload: Fixture.note("p1")) { _, _ in .create() }
        await server.stop()
        _ = try await worker.runOnce()
        let pending = try #require(try Fixture.message(store, message.id))
        #expect(pending.status == .pending)
        #expect(pending.lastError == "primary: connection refused")
    }

    @Test("attempt cap: the last retryable failure dead-letters the message")
    func attemptCap() async throws {
        let policy = Fixture.policy { $0.maxAttempts = 2 }
        let (_, server, store, worker, message) = try await setUp(policy: policy) { _, _ in .status(503) }
        defer { Task { await server.stop() } }
        try await Fixture.drain(worker, store, timeout: .seconds(5))
        let dead = try #require(try Fixture.message(store, message.id))
        #expect(dead.status == .deadLetter && dead.attempts == 2)
        #expect(dead.lastError == "gave up after 2 attempts: primary: HTTP 503")
    }
}
