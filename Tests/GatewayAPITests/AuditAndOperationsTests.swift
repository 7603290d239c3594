import Foundation
@testable import GatewayAPI
import GatewayStore
import HTTPServer
import Testing

/// Audit of every request, `/healthz`, `/readyz`, `/metrics` and the JSON access log (issue
/// "The FHIR REST API", part 4).
@Suite("Audit and operations")
struct AuditAndOperationsTests {
    @Test("every request is audited with client, interaction, type, id, status and time")
    func audited() async throws {
        let harness = try AccessHarness()
        let before = StoreTimestamp.now()
        let created = await harness.send("POST", "/fhir/Patient", token: AccessHarness.fullToken, json: patientJSON(mrn: "AU-1"))
        #expect(created.status == 201)
        let id = try #require(AuditMiddleware.createdID(created, type: "Patient"))
        #expect(await harness.send("GET", "/fhir/Patient/\(id)", token: AccessHarness.readerToken).status == 200)
        #expect(await harness.send("GET", "/fhir/Patient/\(id)").status == 401)
        #expect(await harness.send("POST", "/fhir/Patient", token: AccessHarness.readerToken, json: patientJSON(mrn: "AU-2")).status == 403)
        #expect(await harness.send("GET", "/fhir/metadata").status == 200)
        _ = await harness.send("GET", "/healthz")

        let events = try harness.auditEvents()
        let summary = events.map { [$0.actor, $0.action, $0.resourceType ?? "-", $0.resourceId ?? "-", $0.outcome] }
        #expect(summary == [
            ["ehr-full", "create", "Patient", id, "201"],
            ["reporting", "read", "Patient", id, "200"],
            ["anonymous", "read", "Patient", id, "401"],
            ["reporting", "create", "Patient", "-", "403"],
            ["anonymous", "capabilities", "-", "-", "200"],
        ])
        #expect(events.allSatisfy { $0.time >= before && $0.time <= StoreTimestamp.now() })
    }

    @Test("a refused write is audited in its own unit of work after its writes rolled back")
    func refusedWriteAudited() async throws {
        let harness = try AccessHarness()
        let created = await harness.send("POST", "/fhir/Patient", token: AccessHarness.fullToken, json: patientJSON(mrn: "RB-1"))
        let id = try #require(AuditMiddleware.createdID(created, type: "Patient"))
        let stale = await harness.send(
            "PUT", "/fhir/Patient/\(id)", token: AccessHarness.fullToken, json: patientJSON(mrn: "RB-1", id: id, gender: "other"),
            headers: ["If-Match": "W/\"7\""])
        #expect(stale.status == 412)
        #expect(try harness.store.read { try $0.read(type: "Patient", id: id)?.versionId } == 1)
        let invalid = await harness.send(
            "POST", "/fhir", token: AccessHarness.fullToken,
            json: patientAndReferralTransaction(mrn: "RB-2").replacingOccurrences(of: #""gender":"female""#, with: #""gender":"robot""#))
        #expect(invalid.status == 400)
        let events = try harness.auditEvents()
        #expect(events.map { "\($0.action) \($0.outcome)" } == ["create 201", "update 412", "transaction 400"])
        #expect(events[1].resourceId == id)
    }

    @Test("a committed transaction's audit event is written with its unit of work, once")
    func transactionAuditedWithItsWrites() async throws {
        let harness = try AccessHarness()
        let referral = try String(
            contentsOf: APIFixtures.root.appendingPathComponent("SampleBundles/referrals/01-depression-ssri-referral.json"), encoding: .utf8)
        let committed = await harness.send("POST", "/fhir", token: AccessHarness.fullToken, json: referral)
        #expect(committed.status == 200)
        // The same again: its conditional creates match, and it commits again.
        let again = await harness.send("POST", "/fhir", token: AccessHarness.fullToken, json: referral)
        #expect(again.status == 200)
        let events = try harness.auditEvents()
        #expect(events.map { "\($0.actor) \($0.action) \($0.outcome)" } == ["ehr-full transaction 200", "ehr-full transaction 200"])
        #expect(events.allSatisfy { $0.resourceType == nil && $0.resourceId == nil })
    }

    @Test("audit events and the access log carry no query values, bodies or identifiers")
    func noPatientData() async throws {
        let harness = try AccessHarness()
        _ = await harness.send("POST", "/fhir/Patient", token: AccessHarness.fullToken, json: patientJSON(mrn: "SECRET-MRN-77"))
        _ = await harness.send("GET", "/fhir/Patient?identifier=http://clinic.example.org/mrn|SECRET-MRN-77", token: AccessHarness.readerToken)
        _ = await harness.send("POST", "/fhir", token: AccessHarness.fullToken, json: patientAndReferralTransaction(mrn: "SECRET-MRN-78"))
        let audit = try harness.auditEvents().map { "\($0.actor)|\($0.action)|\($0.resourceType ?? "")|\($0.resourceId ?? "")|\($0.outcome)|\($0.detail ?? "")" }
        #expect(audit.count == 3)
        for line in audit + harness.accessLog.all {
            for secret in ["SECRET-MRN", "Tester", "Alex", "1990-01-01", "555-0100", "identifier"] {
                #expect(!line.contains(secret), "\(secret) in \(line)")
            }
        }
    }

    @Test("/healthz is 200; /readyz is 200 when the store reads and is migrated, else 503")
    func probes() async throws {
        let harness = try AccessHarness()
        let health = await harness.send("GET", "/healthz")
        #expect(health.status == 200 && health.text == "ok\n")
        #expect(await harness.send("GET", "/readyz").status == 200)
        #expect(await harness.send("POST", "/healthz").status == 405)

        let unmigrated = try AccessHarness(migrationsDone: { false })
        let notReady = await unmigrated.send("GET", "/readyz")
        #expect(notReady.status == 503)
        #expect(notReady.headers["Retry-After"] == "1")
        let down = try AccessHarness(store: UnavailableStore())
        #expect(await down.send("GET", "/readyz").status == 503)
        #expect(await down.send("GET", "/healthz").status == 200)
        #expect(await down.send("GET", "/metrics").text.contains("fhir_gateway_store_up 0"))
    }

    @Test("/metrics: requests by status class and interaction, a latency histogram, outbox depth by endpoint and status")
    func metrics() async throws {
        let harness = try AccessHarness()
        _ = await harness.send("POST", "/fhir/Patient", token: AccessHarness.fullToken, json: patientJSON(mrn: "M-1"))
        _ = await harness.send("GET", "/fhir/Patient", token: AccessHarness.readerToken)
        _ = await harness.send("GET", "/fhir/Patient")
        try harness.store.write { transaction in
            for (index, endpoint) in ["pcp-a", "pcp-a", "pcp-b"].enumerated() {
                _ = try transaction.enqueue(NewOutboundMessage(
                    id: "m\(index)", endpointKey: endpoint, participantKey: "p\(index)", priority: .routine,
                    idempotencyKey: "k\(index)", payload: Data("{}".utf8), contentType: "application/fhir+json"))
            }
        }
        let response = await harness.send("GET", "/metrics")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let lines = Set(response.text.split(separator: "\n").map(String.init))
        #expect(lines.contains(#"fhir_gateway_requests_total{interaction="create",status_class="2xx"} 1"#))
        #expect(lines.contains(#"fhir_gateway_requests_total{interaction="search",status_class="2xx"} 1"#))
        #expect(lines.contains(#"fhir_gateway_requests_total{interaction="search",status_class="4xx"} 1"#))
        #expect(lines.contains("# TYPE fhir_gateway_request_duration_seconds histogram"))
        #expect(lines.contains(#"fhir_gateway_request_duration_seconds_bucket{le="+Inf"} 3"#))
        #expect(lines.filter { $0.hasPrefix("fhir_gateway_request_duration_seconds_bucket{") }.count == GatewayMetrics.latencyBuckets.count + 1)
        // Cumulative buckets: counts never decrease with `le` (a loaded machine may put a request
        // above any finite bucket, so only +Inf is pinned to 3).
        let bucketCounts = response.text.split(separator: "\n")
            .filter { $0.hasPrefix("fhir_gateway_request_duration_seconds_bucket{") }
            .compactMap { Int($0.split(separator: " ").last ?? "") }
        #expect(bucketCounts == bucketCounts.sorted() && bucketCounts.last == 3)
        #expect(lines.contains("fhir_gateway_request_duration_seconds_count 3"))
        #expect(lines.contains(#"fhir_gateway_outbox_messages{endpoint="pcp-a",status="pending"} 2"#))
        #expect(lines.contains(#"fhir_gateway_outbox_messages{endpoint="pcp-b",status="pending"} 1"#))
        #expect(lines.contains("fhir_gateway_store_up 1"))
    }

    @Test("one JSON access-log line per request, without the query")
    func accessLog() async throws {
        let harness = try AccessHarness()
        _ = await harness.send("GET", "/fhir/Patient?name=Smith&birthdate=1980-02-03", token: AccessHarness.readerToken)
        _ = await harness.send("GET", "/healthz")
        let lines = harness.accessLog.all
        #expect(lines.count == 2)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["method"] as? String == "GET")
        #expect(first["path"] as? String == "/fhir/Patient")
        #expect(first["status"] as? Int == 200)
        #expect(first["interaction"] as? String == "search")
        #expect(first["type"] as? String == "Patient")
        #expect(first["client"] as? String == "reporting")
        #expect(first["ms"] is Double || first["ms"] is Int)
        #expect(first["time"] is String)
        #expect(!lines[0].contains("Smith") && !lines[0].contains("1980"))
        let second = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(second["path"] as? String == "/healthz" && second["interaction"] as? String == "operations")
    }
}

/// A store that cannot be reached, for `/readyz`.
struct UnavailableStore: GatewayStore {
    struct Down: Error {}
    func write<T>(_ work: (any StoreTransaction) throws -> T) throws -> T { throw Down() }
    func read<T>(_ work: (any StoreReader) throws -> T) throws -> T { throw Down() }
}
