import Foundation
import GatewayTestSupport
import GatewayStore
import GatewayTestSupport
import Synchronization
import Testing
@testable import Outbound

/// What an operator sees of delivery: the route-state rows `/metrics` reads, and one JSON log
/// line per state change, without patient data.
@Suite("Operating delivery: circuit state in the store, one log line per state change", .serialized)
struct OperatingTests {
    final class LogLines: Sendable {
        private let lines = Mutex<[String]>([])
        var log: DeliveryLog { DeliveryLog { [self] line in lines.withLock { $0.append(line) } } }
        var all: [String] { lines.withLock { $0 } }
        var events: [[String: Any]] { all.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] } }
        func names() -> [String] { events.compactMap { $0["event"] as? String } }
    }

    @Test("the circuit opens, goes half-open and closes: each change written to the store and logged once; receiver text and patient data stay out of the log")
    func circuitAndLog() async throws {
        let healthy = Atomic<Bool>(false)
        let receiver = ScriptedReceiver { _, _ in
            healthy.load(ordering: .relaxed) ? .create()
                : .status(503, headers: [("Content-Type", "application/fhir+json")], body: ScriptedReceiver.outcome("busy filing for Jane Roe"))
        }
        let server = try await LoopbackServer.start(receiver)
        defer { Task { await server.stop() } }
        let store = try Fixture.store()
        var ids: [String] = []
        for index in 1...3 {
            let participant = "participant-jane-roe-\(index)"
            let message = try Fixture.enqueue(store, participant: participant, label: "Jane Roe said she feels unsafe \(index)",
                                              payload: Fixture.communication(participant, "Jane Roe said she feels unsafe \(index)"))
            ids.append(message.id)
        }
        let lines = LogLines()
        let worker = EndpointWorker(
            endpoint: OutboundEndpoint(key: "pcp-1", primary: try Fixture.route(server.baseURL, .rest)), store: store,
            policy: Fixture.policy { $0.circuitFailureThreshold = 2; $0.circuitCoolDown = .seconds(8); $0.backoffCap = .milliseconds(1) },
            gate: PermitAllGate(), workerID: "worker-a", jitter: { $0 }, log: lines.log)

        let first = try await worker.runOnce()
        #expect(first.claimed == 3 && first.retried == 3)
        let open = try #require(try store.read { try $0.outboundRouteStates() }.first)
        #expect(open.endpointKey == "pcp-1" && open.route == .primary && open.circuit == .open && open.consecutiveFailures == 2)
        #expect(open.workerID == "worker-a" && open.openUntil != nil)
        #expect(lines.names() == ["outbound.circuit"] + Array(repeating: "outbound.claimed", count: 3)
                + ["outbound.retry", "outbound.retry", "outbound.circuit", "outbound.retry"])
        let circuits = lines.events.filter { $0["event"] as? String == "outbound.circuit" }
        #expect(circuits.map { $0["to"] as? String } == ["closed", "open"])
        #expect(circuits.last?["from"] as? String == "closed" && circuits.last?["consecutive_failures"] as? Int == 2)
        let retries = lines.events.filter { $0["event"] as? String == "outbound.retry" }
        #expect(retries.map { $0["reason"] as? String } == ["HTTP 503", "HTTP 503", "circuit open"], "the receiver's text is not logged")
        #expect(try Fixture.message(store, ids[0])?.lastError?.contains("busy filing") == true, "it is kept in the message, for the operator")

        // After the cool-down the probe goes through and closes the circuit.
        healthy.store(true, ordering: .relaxed)
        // The cool-down is 8 s so that the first pass (three sends) always ends inside it, even on
        // a loaded 2-core machine; at 2 s a slow pass met a half-open circuit and probed early.
        try await Task.sleep(for: .milliseconds(8100))
        try await Fixture.drain(worker, store)
        #expect(receiver.filed.count == 3)
        #expect(try store.read { try $0.outboundRouteStates() }.map(\.circuit) == [.closed])
        let transitions = lines.events.filter { $0["event"] as? String == "outbound.circuit" }.map { "\($0["from"]!)→\($0["to"]!)" }
        #expect(transitions == ["unknown→closed", "closed→open", "open→half_open", "half_open→closed"])
        #expect(lines.names().filter { $0 == "outbound.delivered" }.count == 3)

        // Every line is JSON with time, event, endpoint; a message line names the message by id only.
        #expect(lines.events.count == lines.all.count)
        for event in lines.events {
            #expect(event["time"] is String && event["endpoint"] as? String == "pcp-1")
            if let message = event["message"] as? String { #expect(ids.contains(message)) }
        }
        for line in lines.all {
            #expect(!line.contains("Jane") && !line.contains("jane") && !line.contains("unsafe") && !line.contains("key-"), "\(line)")
        }
    }

    @Test("a rejected message: dead letter, logged with the status only")
    func rejectionLogged() async throws {
        let receiver = ScriptedReceiver { _, _ in
            .status(422, headers: [("Content-Type", "application/fhir+json")], body: ScriptedReceiver.outcome("Jane Roe is not our patient"))
        }
        let server = try await LoopbackServer.start(receiver)
        defer { Task { await server.stop() } }
        let store = try Fixture.store()
        let message = try Fixture.enqueue(store, participant: "p1", label: "p1-1")
        let lines = LogLines()
        let worker = EndpointWorker(endpoint: OutboundEndpoint(key: "pcp-1", primary: try Fixture.route(server.baseURL, .rest)),
                                    store: store, policy: Fixture.policy(), gate: PermitAllGate(), jitter: { $0 }, log: lines.log)
        _ = try await worker.runOnce()
        let dead = try #require(lines.events.first { $0["event"] as? String == "outbound.dead_letter" })
        #expect(dead["reason"] as? String == "HTTP 422" && dead["rejected"] as? Bool == true && dead["message"] as? String == message.id)
        #expect(!lines.all.joined().contains("Jane"))
    }
}
