import Foundation
import GatewayTestSupport
import GatewayStore
import GatewayTestSupport
import HTTPServer
import Synchronization
import Testing
@testable import Outbound

/// Continuity with a fallback (issue "Outbound delivery", Must show): the primary is down for a
/// while; the fallback takes over; when the primary is back its circuit closes and traffic
/// returns to it. Across both receivers every message arrives once, each participant's in
/// order, crisis notices before routine ones.
@Suite("Continuity with a fallback endpoint", .serialized)
struct ContinuityTests {
    static func label(_ request: ScriptedReceiver.Recorded) -> String {
        ScriptedReceiver.resource(in: request.body).flatMap { (($0["payload"] as? [[String: Any]])?.first?["contentString"]) as? String } ?? ""
    }

    @Test("primary down: the fallback takes over; primary back: traffic returns; nothing lost, nothing twice, order kept")
    func fallbackTakesOverAndHandsBack() async throws {
        // Both receivers write to one arrival list, in the order they file. The primary answers
        // 503 while its platform is updated (it keeps its port, so no other test can take it).
        let arrivals = Mutex<[String]>([])
        let primaryUp = Atomic<Bool>(false)
        let fileIt: @Sendable (ScriptedReceiver.Recorded) -> ScriptedReceiver.Reply = { request in
            arrivals.withLock { $0.append(Self.label(request)) }
            return .create()
        }
        let primaryReceiver = ScriptedReceiver { request, _ in primaryUp.load(ordering: .relaxed) ? fileIt(request) : .status(503) }
        let fallbackReceiver = ScriptedReceiver { request, _ in fileIt(request) }
        let primary = try await LoopbackServer.start(primaryReceiver)
        let fallback = try await LoopbackServer.start(fallbackReceiver)
        defer { Task { await primary.stop(); await fallback.stop() } }

        let store = try Fixture.store()
        var expected: [String: [String]] = [:]
        func enqueue(round: Int) throws {
            for participant in ["p1", "p2", "p3"] {
                var crisis: [String] = []
                var routine: [String] = []
                for index in 1...3 {
                    let label = "\(participant)-r\(round)-\(index)"
                    let isCrisis = round == 1 && index == 3
                    try Fixture.enqueue(store, participant: participant, label: label, priority: isCrisis ? .crisis : .routine)
                    if isCrisis { crisis.append(label) } else { routine.append(label) }
                }
                expected[participant, default: []] += crisis + routine
            }
        }
        try enqueue(round: 1)
        let worker = EndpointWorker(
            endpoint: OutboundEndpoint(key: "pcp-1", primary: try Fixture.route(primary.baseURL, .rest),
                                       fallback: try Fixture.route(fallback.baseURL, .rest)),
            store: store,
            policy: Fixture.policy { $0.maxAttempts = 1000; $0.circuitFailureThreshold = 2; $0.circuitCoolDown = .milliseconds(300) }, gate: PermitAllGate(),
            jitter: { $0 }, log: .discard)
        let running = Task { await worker.run() }

        // During the outage the fallback gets the first round.
        try await Self.waitFor { try Fixture.messages(store, .delivered).count == 9 }
        #expect(fallbackReceiver.filed.count == 9, "the fallback took over")
        #expect(primaryReceiver.filed.isEmpty, "the primary answered 503 throughout")

        // The primary is back: after its cool-down a probe closes the circuit, and the second
        // round goes to it.
        primaryUp.store(true, ordering: .relaxed)
        try await Task.sleep(for: .milliseconds(400))
        try enqueue(round: 2)
        try await Self.waitFor { try Fixture.messages(store, .delivered).count == 18 }
        running.cancel()
        await running.value

        #expect(primaryReceiver.filed.count >= 1, "traffic returned to the primary")
        #expect(await worker.circuitState() == .closed)
        let all = primaryReceiver.filed + fallbackReceiver.filed
        #expect(all.count == 18, "nothing lost, nothing twice")
        #expect(Set(all.map(\.identifier)).count == 18)
        let order = Dictionary(grouping: arrivals.withLock { $0 }, by: { String($0.split(separator: "-")[0]) })
        #expect(order == expected, "per participant, in order, crisis first")
    }

    /// Polls until `condition` holds; records an issue if it has not after a generous minute.
    static func waitFor(_ condition: () throws -> Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while try !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("not reached within a minute", sourceLocation: sourceLocation)
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
