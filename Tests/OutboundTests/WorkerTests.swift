import Foundation
import GatewayStore
import GatewayTestSupport
import HTTPServer
import IOPDomain
import Synchronization
import Testing
@testable import Outbound

@Suite("Endpoint workers: order, priority, continuity, fallback, circuit, gate, authentication", .serialized)
struct WorkerTests {
    func worker(
        _ store: SQLiteGatewayStore, primary: EndpointRoute, fallback: EndpointRoute? = nil, policy: DeliveryPolicy = Fixture.policy(),
        gate: any DisclosureGate = PermitAllGate(), authenticator: ReceiverAuthenticator = ReceiverAuthenticator()
    ) -> EndpointWorker {
        EndpointWorker(endpoint: OutboundEndpoint(key: "pcp-1", primary: primary, fallback: fallback), store: store, policy: policy,
                       gate: gate, authenticator: authenticator, jitter: { $0 }, log: .discard)
    }

    /// The labels each participant's messages arrived in.
    func arrivals(_ receiver: ScriptedReceiver) -> [String: [String]] {
        Dictionary(grouping: receiver.labels, by: { String($0.split(separator: "-")[0]) })
    }

    @Test("a later message never overtakes an earlier one of the same participant, retries included")
    func perParticipantOrder() async throws {
        // p1's first message fails twice; p2's traffic goes on meanwhile.
        let receiver = ScriptedReceiver { request, _ in
            let label = ScriptedReceiver.resource(in: request.body).flatMap { (($0["payload"] as? [[String: Any]])?.first?["contentString"]) as? String }
            let failures = Counter.shared.bump(label ?? "")
            return label == "p1-1" && failures <= 2 ? .status(503) : .create()
        }
        Counter.shared.reset()
        let server = try await LoopbackServer.start(receiver)
        defer { Task { await server.stop() } }
        let store = try Fixture.store()
        for index in 1...3 {
            try Fixture.enqueue(store, participant: "p1", label: "p1-\(index)")
            try Fixture.enqueue(store, participant: "p2", label: "p2-\(index)")
        }
        let worker = worker(store, primary: try Fixture.route(server.baseURL, .rest))
        // One pass claims the head of each participant's queue: p1-1 fails, p2-1 goes through
        // (whatever the timing), so p1's retries hold up nobody else.
        _ = try await worker.runOnce()
        #expect(receiver.labels.contains("p2-1") && !receiver.labels.contains("p1-1"),
                "another participant is not held up by p1's retries")
        try await Fixture.drain(worker, store)
        let order = arrivals(receiver)
        #expect(order["p1"] == ["p1-1", "p1-2", "p1-3"])
        #expect(order["p2"] == ["p2-1", "p2-2", "p2-3"])
        #expect(receiver.filed.count == 6)
    }

    @Test("a stat crisis notice goes before routine traffic, its own participant's included")
    func crisisFirst() async throws {
        let receiver = ScriptedReceiver()
        let server = try await LoopbackServer.start(receiver)
        defer { Task { await server.stop() } }
        let store = try Fixture.store()
        for participant in ["p1", "p2", "p3"] {
            try Fixture.enqueue(store, participant: participant, label: "\(participant)-routine")
        }
        try Fixture.enqueue(store, participant: "p3", label: "p3-stat", priority: OutboundPriority(MessagePriority.stat))
        try Fixture.enqueue(store, participant: "p4", label: "p4-stat", priority: OutboundPriority(MessagePriority.stat))
        let worker = worker(store, primary: try Fixture.route(server.baseURL, .rest), policy: Fixture.policy { $0.batchSize = 1 })
        try await Fixture.drain(worker, store)
        #expect(Array(receiver.labels.prefix(2)) == ["p3-stat", "p4-stat"])
        #expect(Set(receiver.labels.suffix(3)) == ["p1-routine", "p2-routine", "p3-routine"])
    }

    @Test("continuity: the receiver is down for a while; then everything arrives, in order, crisis first, once")
    func continuity() async throws {
        let receiver = ScriptedReceiver()
        let first = try await LoopbackServer.start(receiver)
        let port = first.port
        await first.stop()  // down: connections are refused
        let store = try Fixture.store()
        var expected: [String: [String]] = [:]
        for participant in ["p1", "p2", "p3"] {
            var crisis: [String] = []
            var routine: [String] = []
            for index in 1...4 {
                let label = "\(participant)-\(index)"
                let isCrisis = index == 3
                try Fixture.enqueue(store, participant: participant, label: label, priority: isCrisis ? .crisis : .routine)
                if isCrisis { crisis.append(label) } else { routine.append(label) }
            }
            expected[participant] = crisis + routine
        }
        let route = try EndpointRoute(target: EndpointTarget(baseURL: URL(string: "http://127.0.0.1:\(port)/fhir")!, deliveryProfile: .conditionalCreate),
                                      profile: .communication)
        let worker = worker(store, primary: route, policy: Fixture.policy {
            $0.maxAttempts = 1000
            $0.circuitFailureThreshold = 3
            $0.circuitCoolDown = .milliseconds(100)
        })
        let running = Task { await worker.run() }
        try await Task.sleep(for: .milliseconds(600))
        #expect(try Fixture.messages(store, .delivered).isEmpty)
        #expect(try Fixture.messages(store, .deadLetter).isEmpty, "waiting, not given up")
        let second = try await LoopbackServer.start(receiver, port: port)  // back
        let deadline = ContinuousClock.now + .seconds(20)
        while try Fixture.messages(store, .delivered).count < 12, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        running.cancel()
        await running.value
        await second.stop()
        #expect(try Fixture.messages(store, .delivered).count == 12, "nothing lost")
        #expect(receiver.filed.count == 12, "nothing duplicated")
        #expect(Set(receiver.filed.map(\.identifier)).count == 12)
        #expect(arrivals(receiver) == expected)
    }

    @Test("the fallback takes over while the primary's circuit is open")
    func fallbackWhileOpen() async throws {
        let primaryReceiver = ScriptedReceiver { _, _ in .status(503) }
        let fallbackReceiver = ScriptedReceiver()
        let primary = try await LoopbackServer.start(primaryReceiver)
        let fallback = try await LoopbackServer.start(fallbackReceiver)
        defer { Task { await primary.stop(); await fallback.stop() } }
        let store = try Fixture.store()
        for index in 1...4 { try Fixture.enqueue(store, participant: "p\(index)", label: "p\(index)-1") }
        let worker = worker(store, primary: try Fixture.route(primary.baseURL, .rest), fallback: try Fixture.route(fallback.baseURL, .communication),
                            policy: Fixture.policy { $0.circuitFailureThreshold = 2; $0.circuitCoolDown = .seconds(30) })
        try await Fixture.drain(worker, store)
        #expect(primaryReceiver.requests.count == 2, "the circuit opened after two failures")
        #expect(Set(fallbackReceiver.labels) == ["p1-1", "p2-1", "p3-1", "p4-1"])
        #expect(fallbackReceiver.requests.allSatisfy { $0.headers["If-None-Exist"] == nil }, "the fallback's own profile")
        if case .open = await worker.circuitState() {} else { Issue.record("the primary circuit should be open") }
    }

    @Test("the fallback takes a message after M failed attempts on the primary")
    func fallbackAfterAttempts() async throws {
        let primaryReceiver = ScriptedReceiver { _, _ in .status(500) }
        let fallbackReceiver = ScriptedReceiver()
        let primary = try await LoopbackServer.start(primaryReceiver)
        let fallback = try await LoopbackServer.start(fallbackReceiver)
        defer { Task { await primary.stop(); await fallback.stop() } }
        let store = try Fixture.store()
        let message = try Fixture.enqueue(store, participant: "p1", label: "p1-1")
        let worker = worker(store, primary: try Fixture.route(primary.baseURL, .rest), fallback: try Fixture.route(fallback.baseURL, .rest),
                            policy: Fixture.policy { $0.fallbackAfterAttempts = 2 })
        try await Fixture.drain(worker, store)
        #expect(primaryReceiver.requests.count == 2)
        #expect(fallbackReceiver.labels == ["p1-1"])
        #expect(try Fixture.message(store, message.id)?.attempts == 3)
    }

    @Test("without a fallback an open circuit claims nothing, then lets one probe through")
    func circuitProbe() async throws {
        let healthy = Atomic<Bool>(false)
        let receiver = ScriptedReceiver { _, _ in healthy.load(ordering: .relaxed) ? .create() : .status(503) }
        let server = try await LoopbackServer.start(receiver)
        defer { Task { await server.stop() } }
        let store = try Fixture.store()
        for index in 1...3 { try Fixture.enqueue(store, participant: "p\(index)", label: "p\(index)-1") }
        let worker = worker(store, primary: try Fixture.route(server.baseURL, .rest),
                            policy: Fixture.policy { $0.circuitFailureThreshold = 2; $0.circuitCoolDown = .seconds(3); $0.backoffCap = .milliseconds(1) })
        let first = try await worker.runOnce()
        #expect(first.claimed == 3)
        #expect(receiver.requests.count == 2, "the third was given back when the circuit opened")
        try await Task.sleep(for: .milliseconds(20))
        #expect(try await worker.runOnce().circuitOpen)
        // The cool-down is long enough that a slow, loaded machine cannot reach its end during
        // the first passes; the probe comes only after it.
        try await Task.sleep(for: .milliseconds(3100))
        healthy.store(true, ordering: .relaxed)
        let probe = try await worker.runOnce()
        #expect(probe.claimed == 1 && probe.delivered == 1, "one probe while half-open")
        #expect(await worker.circuitState() == .closed)
        try await Fixture.drain(worker, store)
        #expect(receiver.filed.count == 3)
    }

    @Test("the disclosure gate: a hold waits, a cancel dead-letters, both audited, nothing sent")
    func disclosureGate() async throws {
        struct Gate: DisclosureGate {
            let until: StoreTimestamp
            func check(_ message: OutboundMessage, endpoint: OutboundEndpoint) async -> DisclosureDecision {
                switch message.participantKey {
                case "p2": .cancel(reason: "consent-revoked consent=c2")
                case "p3": .hold(reason: "consent-not-yet-in-force consent=c3", until: until)
                default: .permit(consentID: "c1")
                }
            }
        }
        let receiver = ScriptedReceiver()
        let server = try await LoopbackServer.start(receiver)
        defer { Task { await server.stop() } }
        let store = try Fixture.store()
        let until = StoreTimestamp.now().adding(.seconds(3600))
        let permitted = try Fixture.enqueue(store, participant: "p1", label: "p1-1")
        let cancelled = try Fixture.enqueue(store, participant: "p2", label: "p2-1")
        let held = try Fixture.enqueue(store, participant: "p3", label: "p3-1")
        let worker = worker(store, primary: try Fixture.route(server.baseURL, .rest), gate: Gate(until: until))
        let report = try await worker.runOnce()
        #expect(report.delivered == 1 && report.held == 2)
        #expect(receiver.labels == ["p1-1"])
        #expect(try Fixture.message(store, permitted.id)?.status == .delivered)
        #expect(try Fixture.message(store, cancelled.id)?.status == .deadLetter)
        #expect(try Fixture.message(store, cancelled.id)?.lastError == "cancelled by disclosure gate: consent-revoked consent=c2")
        let waiting = try #require(try Fixture.message(store, held.id))
        #expect(waiting.status == .pending && waiting.nextAttemptAt == until)
        let audit = try store.read { try $0.auditEvents(in: TimeRange(), afterSequence: nil, limit: 10) }
        #expect(Set(audit.map(\.outcome)) == ["success", "cancelled", "held"])
        #expect(audit.allSatisfy { $0.actor == "system:outbound" && $0.action == "disclose" })
        #expect(audit.first { $0.outcome == "success" }?.detail?.contains("consent=c1") == true)
    }

    @Test("static bearer token")
    func bearer() async throws {
        let receiver = ScriptedReceiver()
        let server = try await LoopbackServer.start(receiver)
        defer { Task { await server.stop() } }
        let store = try Fixture.store()
        try Fixture.enqueue(store, participant: "p1", label: "p1-1")
        let worker = worker(store, primary: try Fixture.route(server.baseURL, .rest, auth: .bearer("static-token")))
        _ = try await worker.runOnce()
        #expect(receiver.requests.first?.headers["Authorization"] == "Bearer static-token")
    }

    @Test("OAuth client credentials: token cached, fetched again once on 401")
    func clientCredentials() async throws {
        let tokens = Atomic<Int>(0)
        let receiver = ScriptedReceiver { request, _ in
            if request.path == "/token" {
                let number = tokens.add(1, ordering: .relaxed).newValue
                guard request.headers["Authorization"] == "Basic " + Data("gateway:s3cret".utf8).base64EncodedString(),
                      String(decoding: request.body, as: UTF8.self) == "grant_type=client_credentials&scope=system%2FCommunication.write"
                else { return .status(400) }
                return .status(200, headers: [("Content-Type", "application/json")],
                               body: #"{"access_token":"t\#(number)","token_type":"Bearer","expires_in":300}"#)
            }
            return request.headers["Authorization"] == "Bearer t1" ? .status(401) : .create()
        }
        let server = try await LoopbackServer.start(receiver)
        defer { Task { await server.stop() } }
        let store = try Fixture.store()
        try Fixture.enqueue(store, participant: "p1", label: "p1-1")
        try Fixture.enqueue(store, participant: "p2", label: "p2-1")
        let credentials = OAuthClientCredentials(tokenURL: URL(string: "http://127.0.0.1:\(server.port)/token")!, clientID: "gateway",
                                                 clientSecret: "s3cret", scope: "system/Communication.write")
        let authenticator = ReceiverAuthenticator()
        let worker = worker(store, primary: try Fixture.route(server.baseURL, .rest, auth: .clientCredentials(credentials)),
                            authenticator: authenticator)
        try await Fixture.drain(worker, store)
        #expect(receiver.filed.count == 2)
        #expect(await authenticator.tokenRequests == 2, "t1 refused once, t2 cached for the second message")
        let creates = receiver.requests.filter { $0.path != "/token" }.map { $0.headers["Authorization"] ?? "" }
        #expect(creates == ["Bearer t1", "Bearer t2", "Bearer t2"])
    }
}

/// Per-label counters for scripts (a script is a `@Sendable` closure).
final class Counter: Sendable {
    static let shared = Counter()
    private let counts = Mutex<[String: Int]>([:])
    func bump(_ key: String) -> Int { counts.withLock { $0[key, default: 0] += 1; return $0[key]! } }
    func reset() { counts.withLock { $0 = [:] } }
}
