import Foundation
import GatewayCrypto
import GatewayStore
import GatewayTestSupport
import Testing

/// What the cluster tests share: the API client every `serve` accepts, the commands that start
/// gateway processes on one database, and queued messages.
enum ClusterFixtures {
    /// Run only with a PostgreSQL server and the built gateway.
    static var enabled: Bool { ClusterDatabase.adminURL != nil && GatewayProcess.executable != nil }
    static var skipReason: Comment {
        Comment(rawValue: GatewayProcess.executable == nil ? GatewayProcess.absentMessage : ClusterDatabase.absentMessage)
    }

    static let token = "cluster-test-token-" + UUID().uuidString.lowercased()
    static let profiles = SharedData.repositoryRoot.appendingPathComponent("Profiles").path

    /// `{"clients":[…]}` for `serve --config`: one client with every system scope.
    static func writeClients(in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("clients.json").path
        let hash = SHA256Digest.hash(Array(token.utf8)).hex
        let json = #"{"clients":[{"name":"cluster-test","tokenSHA256":"\#(hash)","scopes":["system/*.*"]}]}"#
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func serveArguments(_ database: ClusterDatabase, clients: String, extra: [String] = []) -> [String] {
        ["serve", "--port", "0", "--store", database.url, "--config", clients, "--profiles", profiles, "--grace", "10"] + extra
    }

    static func deliverArguments(_ database: ClusterDatabase, receiver: CountingReceiver, endpoints: Int, lease: Int) -> [String] {
        ["deliver", "--store", database.url, "--lease", String(lease)]
            + (0..<endpoints).flatMap { ["--endpoint", "pcp-\($0)=\(receiver.baseURL)"] }
    }

    static var authorization: [String: String] { ["Authorization": "Bearer \(token)"] }

    /// `count` messages (numbered from `first`) spread over `endpoints` endpoints and a participant each per four
    /// messages (so claims, which take one head per participant, always find work); their
    /// idempotency keys, which the receiver sees as identifiers.
    @discardableResult
    static func enqueue(_ store: some GatewayStore, count: Int, first: Int = 0, endpoints: Int) async throws -> Set<String> {
        var keys: Set<String> = []
        let end = first + count
        for start in stride(from: first, to: end, by: 500) {
            let batch = try await store.writeAsync { transaction -> [String] in
                try (start..<min(end, start + 500)).map { index in
                    let participant = "participant-\(index / 4)"
                    let key = "cluster-message-\(index)"
                    try ConsentedMessages.enqueue(NewOutboundMessage(
                        id: UUID().uuidString.lowercased(), endpointKey: "pcp-\(index / 4 % endpoints)", participantKey: participant,
                        priority: .routine, idempotencyKey: key, payload: communication(participant, key),
                        contentType: "application/fhir+json"), in: transaction)
                    return key
                }
            }
            keys.formUnion(batch)
        }
        return keys
    }

    static func communication(_ participant: String, _ label: String) -> Data {
        Data("""
            {"resourceType":"Communication","status":"completed","subject":{"reference":"Patient/\(participant)"},\
            "payload":[{"contentString":"\(label)"}]}
            """.utf8)
    }

    /// Messages of the given states.
    static func count(_ store: some GatewayStore, _ statuses: Set<OutboundStatus>) async throws -> Int {
        try await store.readAsync { try $0.queueDepth() }.filter { statuses.contains($0.status) }.reduce(0) { $0 + $1.count }
    }

    /// Polls until nothing is pending or in flight, or `timeout` passes; false then.
    static func waitUntilDrained(_ store: some GatewayStore, timeout: Duration) async throws -> Bool {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if try await count(store, [.pending, .inFlight]) == 0 { return true }
            try await Task.sleep(for: .milliseconds(250))
        }
        return false
    }

    static func patientJSON(mrn: String) -> String {
        #"{"resourceType":"Patient","identifier":[{"system":"http://clinic.example.org/mrn","value":"\#(mrn)"}],"#
            + #""name":[{"family":"Tester","given":["Alex"]}],"telecom":[{"system":"phone","value":"+1-555-0100"}],"#
            + #""gender":"female","birthDate":"1990-01-01"}"#
    }

    /// Patients whose identifier is this MRN.
    static func patients(_ store: some GatewayStore, mrn: String) async throws -> [String] {
        try await store.readAsync { reader in
            try reader.search(ResourceQuery(
                type: "Patient", tokens: [TokenCriterion(parameter: "identifier", system: .exactly("http://clinic.example.org/mrn"), code: mrn)],
                count: 10)).resources.map(\.id)
        }
    }

    /// Every current Patient's MRN, with how many Patients carry it (one pass over the store).
    static func patientsByMRN(_ store: some GatewayStore) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        var cursor: SearchCursor?
        repeat {
            let query = ResourceQuery(type: "Patient", order: .idAscending, count: 500, cursor: cursor)
            let page = try await store.readAsync { try $0.search(query) }
            for resource in page.resources {
                let json = try JSONSerialization.jsonObject(with: resource.body) as? [String: Any]
                let identifiers = json?["identifier"] as? [[String: Any]] ?? []
                for case let mrn as String in identifiers.map({ $0["value"] }) { counts[mrn, default: 0] += 1 }
            }
            cursor = page.next
        } while cursor != nil
        return counts
    }
}
