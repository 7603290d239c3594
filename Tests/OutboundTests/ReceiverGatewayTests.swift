import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GatewayStore
import GatewayTestSupport
import HTTPServer
import Synchronization
import Testing
@testable import Outbound

/// The receiver is a second gateway: `fhir-gateway serve` as the PCP's EHR, on a data folder of
/// its own, reached with a bearer token by the `rest` and `transaction` profiles. A proxy in
/// front of it loses some responses after the receiver has filed the message, and the receiver
/// is stopped and started again while messages wait; afterwards the receiver's own API holds
/// every message exactly once. The IOP side runs `serve` on its data folder too, and its
/// `/metrics` shows the open circuit and the waiting queue during the outage.
@Suite("Delivery to a second gateway process", .serialized)
struct ReceiverGatewayTests {
    static let gateway = BuiltExecutable.url(named: "fhir-gateway")
    static let token = "receiver-test-token-" + UUID().uuidString

    /// A progress note (the receiving gateway files DocumentReferences as they are; a
    /// Communication would need its Patient in the same input).
    static func note(_ participant: String, _ label: String) -> Data {
        Data("""
            {"resourceType":"DocumentReference","status":"current","type":{"coding":[{"system":"http://loinc.org","code":"11506-3"}]},\
            "subject":{"reference":"Patient/\(participant)"},"description":"\(label)",\
            "content":[{"attachment":{"contentType":"text/plain","data":"aGVsbG8="}}]}
            """.utf8)
    }

    @Test("rest and transaction profiles with a bearer token: lost responses and a receiver restart, every message filed once",
          .enabled(if: gateway != nil, "the fhir-gateway executable was not built beside the tests: skipped"))
    func secondGateway() async throws {
        let gateway = try #require(Self.gateway)
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("receiver-gateway-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let clients = work.appendingPathComponent("clients.json")
        try GatewayServeProcess.writeClients(token: Self.token, to: clients)
        let pcpData = work.appendingPathComponent("pcp")
        let iopData = work.appendingPathComponent("iop")
        try FileManager.default.createDirectory(at: iopData, withIntermediateDirectories: true)

        // The IOP's store (a real file, as `deliver` uses it) and its API process for /metrics.
        let store = try SQLiteGatewayStore(path: iopData.appendingPathComponent("gateway.sqlite").path)
        let iop = try await GatewayServeProcess.start(gateway: gateway, data: iopData, clients: clients)
        var receiver = try await GatewayServeProcess.start(gateway: gateway, data: pcpData, clients: clients)
        let receiverPort = receiver.port

        // The proxy loses the response to the first create of every message labelled "-2":
        // the receiver has filed it, the worker cannot know.
        let lost = Mutex<Set<String>>([])
        let proxy = try await LoopbackServer.start { request in
            await Self.forward(request, to: receiverPort) { body in
                guard request.method == "POST", let label = Self.label(in: request.body), label.hasSuffix("-2") else { return false }
                return lost.withLock { $0.insert(label).inserted }
            }
        }
        defer { Task { await proxy.stop() } }

        var labels: [String: String] = [:]  // idempotency key → label
        func enqueue(_ round: Int) throws {
            for endpoint in ["pcp-rest", "pcp-tx"] {
                for participant in ["p1", "p2", "p3"] {
                    let label = "\(endpoint)/\(participant)-\(round)"
                    let message = try Fixture.enqueue(store, endpoint: endpoint, participant: participant, label: label,
                                                      payload: Self.note(participant, label))
                    labels[message.idempotencyKey] = label
                }
            }
        }
        try enqueue(1)
        try enqueue(2)
        let policy = Fixture.policy { $0.circuitFailureThreshold = 2; $0.circuitCoolDown = .milliseconds(300); $0.maxAttempts = 1000 }
        let workers = try [("pcp-rest", OutboundDeliveryProfile.rest), ("pcp-tx", .transaction)].map { key, profile in
            EndpointWorker(endpoint: OutboundEndpoint(key: key, primary: try Fixture.route(proxy.baseURL, profile, auth: .bearer(Self.token))),
                           store: store, policy: policy, log: .discard)
        }
        try await Self.drain(workers, store)
        #expect(try Fixture.messages(store, .delivered).count == 12)
        #expect(lost.withLock { $0.count } == 6, "one lost response per endpoint and participant")

        // The receiver goes away (its platform update); new messages wait, the circuits open.
        #expect(await receiver.stop() == 0)
        try enqueue(3)
        for _ in 0..<3 {
            for worker in workers { _ = try await worker.runOnce() }
        }
        #expect(try Fixture.messages(store, .pending).count == 6, "waiting, not given up")
        let metrics = try await Self.get(iop.baseURL.deletingLastPathComponent().appendingPathComponent("metrics"))
        // Open, or half-open once its short cool-down has passed on a slow machine: not closed.
        #expect(metrics.contains(#"fhir_gateway_outbound_circuit_state{endpoint="pcp-rest",route="primary",state="closed"} 0"#), "\(metrics)")
        #expect(metrics.contains(#"fhir_gateway_outbox_messages{endpoint="pcp-rest",status="pending"} 3"#))
        #expect(metrics.contains(#"fhir_gateway_outbox_oldest_age_seconds{endpoint="pcp-tx",status="pending"}"#))

        // Back on the same port and data: everything arrives.
        receiver = try await GatewayServeProcess.start(gateway: gateway, data: pcpData, clients: clients, port: receiverPort)
        try await Self.drain(workers, store)
        #expect(try Fixture.messages(store, .delivered).count == 18)
        let closed = try await Self.get(iop.baseURL.deletingLastPathComponent().appendingPathComponent("metrics"))
        #expect(closed.contains(#"fhir_gateway_outbound_circuit_state{endpoint="pcp-tx",route="primary",state="closed"} 1"#))

        // The receiver's own API: each message once, under the id the IOP's ledger recorded.
        let delivered = try Fixture.messages(store, .delivered)
        let retried = delivered.filter { labels[$0.idempotencyKey]?.hasSuffix("-2") == true }
        #expect(retried.count == 6 && retried.allSatisfy { $0.attempts >= 2 }, "each lost response was followed by a resend")
        #expect(retried.allSatisfy { $0.remoteStatus?.hasPrefix("200") == true }, "the resend was answered: already filed (conditional create)")
        print("receiver gateway test: attempts of the messages whose response was lost:", retried.map(\.attempts).sorted(),
              "remote statuses:", Set(retried.compactMap(\.remoteStatus)))
        for message in delivered {
            let query = "identifier=" + OutboundIdentifier.system + "|" + message.idempotencyKey
            let bundle = try await Self.search(receiver.baseURL, "DocumentReference", query)
            let ids = ((bundle["entry"] as? [[String: Any]]) ?? []).compactMap { ($0["resource"] as? [String: Any])?["id"] as? String }
            #expect(ids.count == 1, "\(labels[message.idempotencyKey] ?? message.id) is filed \(ids.count) times")
            if let id = ids.first { #expect(message.remoteId?.hasPrefix("DocumentReference/\(id)") == true) }
        }
        let all = try await Self.search(receiver.baseURL, "DocumentReference", "_count=100")
        #expect(all["total"] as? Int == 18, "nothing else was filed")
        #expect(await receiver.stop() == 0)
        #expect(await iop.stop() == 0)
    }

    /// Passes of every worker in turn until nothing is open (or a generous deadline passes).
    static func drain(_ workers: [EndpointWorker], _ store: SQLiteGatewayStore) async throws {
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            if try Fixture.messages(store, .pending).count + Fixture.messages(store, .inFlight).count == 0 { return }
            var claimed = 0
            for worker in workers { claimed += try await worker.runOnce().claimed }
            if claimed == 0 { try await Task.sleep(for: .milliseconds(10)) }
        }
    }

    /// `DocumentReference.description` of a create (a resource, or a transaction's first entry).
    static func label(in body: [UInt8]) -> String? {
        ScriptedReceiver.resource(in: body)?["description"] as? String
    }

    /// Forwards to the receiving gateway; when `lose` says so, the response is cut off after
    /// the receiver has answered. A receiver that does not answer is a 503 from the proxy.
    static func forward(_ request: HTTPRequest, to port: Int, lose: ([UInt8]) -> Bool) async -> HTTPResponse {
        var url = "http://127.0.0.1:\(port)" + request.path
        if let query = request.query { url += "?" + query }
        var forwarded = URLRequest(url: URL(string: url)!)
        forwarded.httpMethod = request.method
        for name in ["Authorization", "Content-Type", "Accept", "If-None-Exist", "Prefer"] {
            if let value = request.headers[name] { forwarded.setValue(value, forHTTPHeaderField: name) }
        }
        if !request.body.isEmpty { forwarded.httpBody = Data(request.body) }
        let dropping = lose(request.body)
        guard case .response(let response) = await DeliveryClient.shared.perform(forwarded, deadline: .seconds(30)) else {
            return HTTPResponse(status: 503, headers: ["Retry-After": "0"], body: [])
        }
        if dropping {
            return HTTPResponse(status: response.status, headers: ["Content-Type": "application/fhir+json"]) { writer in
                try await writer.write("{\"resourceType\":")
                throw CancellationError()
            }
        }
        var headers: [(String, String)] = []
        for name in ["content-type", "location", "etag", "last-modified"] {
            if let value = response.headers[name] { headers.append((name, value)) }
        }
        return HTTPResponse(status: response.status, headers: HTTPHeaders(headers), body: Array(response.body))
    }

    static func get(_ url: URL) async throws -> String {
        var request = URLRequest(url: url)
        request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
        let result = await DeliveryClient.shared.perform(request, deadline: .seconds(30))
        guard case .response(let response) = result, response.status == 200 else {
            throw GatewayServeProcess.StartFailure(description: "GET \(url.absoluteString) failed: \(result)")
        }
        return String(decoding: response.body, as: UTF8.self)
    }

    static func search(_ base: URL, _ type: String, _ query: String) async throws -> [String: Any] {
        var components = URLComponents(url: base.appendingPathComponent(type), resolvingAgainstBaseURL: false)!
        components.percentEncodedQuery = query.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)?
            .replacingOccurrences(of: "|", with: "%7C")
        let text = try await get(components.url!)
        return (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }
}
