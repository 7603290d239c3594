import FHIRCore
import FHIRJSON
import Foundation
import GatewayStore
import Testing

/// A Patient the identity policy will not match alone, over HTTP: a transaction is refused with
/// 409 and an OperationOutcome naming the conflict (nothing is held for a client, which cannot be
/// promised the write proceeds later); in a batch only that entry is refused.
@Suite("Identity conflicts over HTTP")
struct IdentityConflictTests {
    static func patient(_ id: String, mrn: String, birthDate: String, given: String = "Ada") -> String {
        #"{"resourceType":"Patient","id":"\#(id)","identifier":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},"#
            + #""system":"https://ehr.harbourview.example.org/fhir/sid/mrn","value":"\#(mrn)"}],"#
            + #""name":[{"family":"Stone","given":["\#(given)"]}],"telecom":[{"system":"phone","value":"555-0100"}],"birthDate":"\#(birthDate)"}"#
    }

    static func bundle(_ type: String, _ resources: [String]) -> String {
        let entries = resources.map { #"{"fullUrl":"urn:uuid:\#(UUID().uuidString.lowercased())","resource":\#($0),"request":{"method":"POST","url":"Patient"}}"# }
        return #"{"resourceType":"Bundle","type":"\#(type)","entry":[\#(entries.joined(separator: ","))]}"#
    }

    @Test("a transaction is refused with 409 naming both participants and the field; a batch refuses only that entry")
    func conflicts() async throws {
        try await withAPIServer { server in
            let first = try await server.post("/fhir", json: Self.bundle("transaction", [Self.patient("a", mrn: "HV-1", birthDate: "1980-01-01")]))
            #expect(first.status == 200, "\(first.text.prefix(400))")

            let conflicting = Self.patient("b", mrn: "HV-1", birthDate: "1980-02-02")
            let refused = try await server.post("/fhir", json: Self.bundle("transaction", [conflicting]))
            #expect(refused.status == 409, "\(refused.text.prefix(400))")
            let outcome = try #require(refused.resource)
            #expect(outcome.resourceType == "OperationOutcome")
            #expect(outcome.value("issue.code") == "conflict")
            #expect(outcome.value("issue.expression") == "Patient.birthDate")
            let participants = try server.store.read { try $0.domainRows(kind: "participant", afterKey: nil, limit: 10) }
            #expect(participants.count == 1)
            #expect(refused.text.contains(participants[0].key), "names the stored participant by id")
            #expect(!refused.text.contains("1980"), "never the values")
            #expect(try server.count("Patient") == 1, "nothing of the transaction is stored")

            let batch = try await server.post("/fhir", json: Self.bundle("batch", [conflicting, Self.patient("c", mrn: "HV-2", birthDate: "1970-03-03", given: "Bo")]))
            #expect(batch.status == 200)
            let entries = try #require(batch.resource).children("entry")
            #expect(entries.count == 2)
            #expect(entries.first?.value("response.status")?.hasPrefix("409") == true, "\(batch.text.prefix(600))")
            #expect(entries.last?.value("response.status") == "201 Created")
            #expect(try server.count("Patient") == 2)
            #expect(try server.store.read { try $0.heldInputs(status: nil, limit: 10) }.isEmpty, "the API holds nothing")
        }
    }
}
