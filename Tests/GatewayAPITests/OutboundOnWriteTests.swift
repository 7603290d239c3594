import Foundation
import GatewayStore
import GatewayTestSupport
import Testing

/// Every accepted write is committed with the outbound messages it causes, before the response:
/// when the client has its 200, the PCP's news is already in the outbox.
@Suite("Writes and the PCP messages they cause")
struct OutboundOnWriteTests {
    static let crisisBundle = SharedData.repositoryRoot.appendingPathComponent("SampleBundles/referrals/12-crisis-notice-missed-session.json")

    static func outbox(_ server: APIServer) throws -> [OutboundMessage] {
        try server.store.read { reader in
            try OutboundStatus.allCases.flatMap { try reader.outboundMessages(endpointKey: nil, status: $0, limit: 1000) }
        }
    }

    @Test("a posted crisis notice is in the outbox, stat, when the response arrives; posted again, nothing more")
    func crisisQueuedWithTheWrite() async throws {
        try await withAPIServer { server in
            let body = try SharedData.bytes(of: Self.crisisBundle)
            let reply = try await server.send("POST", "/fhir", body: body)
            #expect(reply.status == 200)
            let queued = try Self.outbox(server)
            #expect(queued.count == 2)
            #expect(queued.allSatisfy { $0.priority == .crisis && $0.contentType == "application/fhir+json" })
            #expect(try await server.send("POST", "/fhir", body: body).status == 200)
            #expect(try Self.outbox(server).count == 2, "the same news is not queued twice")
        }
    }

    @Test("a Consent is revoked, not deleted: a DELETE in a transaction is refused and names the entry")
    func consentNotDeleted() async throws {
        try await withAPIServer { server in
            let bundle = #"{"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"DELETE","url":"Consent/c-1"}}]}"#
            let reply = try await server.post("/fhir", json: bundle)
            #expect(reply.status == 400)
            #expect(reply.text.contains("Bundle.entry[0]") && reply.text.contains("revoke it"))
        }
    }

    @Test("a refused transaction queues nothing")
    func refusedQueuesNothing() async throws {
        try await withAPIServer { server in
            var text = String(decoding: try SharedData.bytes(of: Self.crisisBundle), as: UTF8.self)
            // One bad entry: the whole transaction, and the news it would cause, is refused.
            text = text.replacingOccurrences(of: "\"status\": \"booked\"", with: "\"status\": \"not-a-status\"")
                .replacingOccurrences(of: "\"status\": \"noshow\"", with: "\"status\": \"not-a-status\"")
            let reply = try await server.send("POST", "/fhir", body: Array(text.utf8))
            #expect(reply.status >= 400)
            #expect(try Self.outbox(server).isEmpty)
        }
    }
}
