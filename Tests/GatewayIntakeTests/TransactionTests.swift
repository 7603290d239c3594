import FHIRCore
import FHIRJSON
import FHIRValidation
import Foundation
import GatewayIntake
import GatewayStore
import GatewayTestSupport
import IOPMapping
import Testing

/// A mapper that maps nothing: these tests are about the transaction rules, not the domain.
struct NothingForTheIOP: InboundMapping {
    func map(_ resource: FHIRElement) -> MappingOutcome {
        MappingOutcome(entries: [EntryOutcome(entryIndex: nil, resourceType: resource.resourceType ?? "", verdict: .notForIOP(reason: "test"))])
    }
}

/// Transaction Bundles carried out in one store unit of work (FHIR-RULES.md, transactions):
/// ids assigned, `urn:uuid` references rewritten, conditional creates matched, identity overlap
/// refused, all or nothing.
@Suite("Transactions through the intake")
struct TransactionTests {
    let intake = Intake(validator: DocumentValidator(), mapper: NothingForTheIOP())

    private func prepared(_ json: String, seed: String = "seed") throws -> Intake.Prepared {
        switch intake.prepare(Array(json.utf8), idSeed: seed) {
        case .success(let prepared): return prepared
        case .failure(let list): throw list
        }
    }

    static let referral = #"""
        {"resourceType":"Bundle","type":"transaction","entry":[
          {"fullUrl":"urn:uuid:9a1b2c3d-0000-4000-8000-000000000001",
           "resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},
                       "subject":{"reference":"urn:uuid:9a1b2c3d-0000-4000-8000-000000000002"}},
           "request":{"method":"POST","url":"Observation"}},
          {"fullUrl":"urn:uuid:9a1b2c3d-0000-4000-8000-000000000002",
           "resource":{"resourceType":"Patient","identifier":[{"system":"http://clinic.example.org/mrn","value":"A1"}]},
           "request":{"method":"POST","url":"Patient","ifNoneExist":"identifier=http://clinic.example.org/mrn|A1"}}]}
        """#

    private func body(_ store: SQLiteGatewayStore, _ type: String, _ id: String) throws -> FHIRElement? {
        guard let stored = try store.read({ try $0.read(type: type, id: id) }) else { return nil }
        return FHIRJSONReader().read(Array(stored.body)).resource
    }

    /// The rows of a resource as stored equal indexing its stored body, whether the rows were
    /// computed ahead under the plan's ids (the Patient new) or then retargeted because the
    /// Patient's conditional create matched the one already stored.
    @Test("search rows computed ahead of the unit of work follow a conditional match")
    func rowsIndexedAheadFollowConditionalMatches() throws {
        let store = try SQLiteGatewayStore.inMemory()
        for seed in ["first", "second"] {
            let prepared = try prepared(Self.referral, seed: seed)
            #expect(prepared.plan.operations.allSatisfy { $0.searchIndex != nil })
            let results = try store.write { try Intake.commit(prepared, in: $0) }
            let observation = try #require(results.first { $0.resource?.type == "Observation" }?.resource)
            let parsed = try #require(FHIRJSONReader().read(Array(observation.body)).resource)
            let expected = Set(ResourceIndexing.index(parsed).references.map { "\($0.parameter) \($0.target)" })
            let stored = try store.read { try $0.indexedReferences(type: "Observation", ids: [observation.id], parameter: nil) }
            #expect(Set(stored.map { "\($0.parameter) \($0.target)" }) == expected)
            #expect(expected.contains("subject " + (parsed.child("subject")?.child("reference")?.value ?? "?")))
        }
        let patients = try store.read { try $0.search(ResourceQuery(type: "Patient")).resources }
        #expect(patients.count == 1)  // the second referral matched it
    }

    @Test("ids are assigned, references rewritten to Type/id, meta stamped; the same input gives the same ids")
    func createAndRewrite() throws {
        let store = try SQLiteGatewayStore.inMemory()
        let results = try store.write { try Intake.commit(try prepared(Self.referral), in: $0) }
        #expect(results.count == 2)
        let patientID = try #require(results.first { $0.resource?.type == "Patient" }?.resource?.id)
        let observationID = try #require(results.first { $0.resource?.type == "Observation" }?.resource?.id)
        let observation = try #require(try body(store, "Observation", observationID))
        #expect(observation.child("subject")?.child("reference")?.value == "Patient/\(patientID)")
        #expect(observation.child("meta")?.child("versionId")?.value == "1")
        #expect(observation.child("id")?.value == observationID)
        #expect(try prepared(Self.referral).plan.operations.map(\.id) == (try prepared(Self.referral).plan.operations.map(\.id)))
        #expect(try prepared(Self.referral, seed: "other").plan.operations.map(\.id) != (try prepared(Self.referral).plan.operations.map(\.id)))
    }

    @Test("the same conditional create twice, in two transactions, makes one Patient, and references go to it")
    func conditionalCreate() throws {
        let store = try SQLiteGatewayStore.inMemory()
        let first = try store.write { try Intake.commit(try prepared(Self.referral, seed: "a"), in: $0) }
        let second = try store.write { try Intake.commit(try prepared(Self.referral, seed: "b"), in: $0) }
        let patients = try store.read { try $0.search(ResourceQuery(type: "Patient")) }.resources
        #expect(patients.count == 1)
        #expect(second.contains { $0.status == .unchanged && $0.resource?.id == patients[0].id })
        let observationID = try #require(second.first { $0.resource?.type == "Observation" }?.resource?.id)
        #expect(try body(store, "Observation", observationID)?.child("subject")?.child("reference")?.value == "Patient/\(patients[0].id)")
        #expect(first.contains { $0.status == .created && $0.resource?.type == "Patient" })
    }

    @Test("two entries writing the same resource refuse the transaction, naming the entry")
    func identityOverlap() throws {
        let twice = #"""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"fullUrl":"http://x.org/fhir/Patient/p1","resource":{"resourceType":"Patient","id":"p1"},"request":{"method":"PUT","url":"Patient/p1"}},
              {"fullUrl":"http://x.org/fhir/Patient/p1","resource":{"resourceType":"Patient","id":"p1"},"request":{"method":"PUT","url":"Patient/p1"}}]}
            """#
        #expect(throws: IssueList.self) { try prepared(twice) }  // the validator refuses the repeated fullUrl first
        let store = try SQLiteGatewayStore.inMemory()
        let plan = try TransactionPlan(FHIRJSONReader().read(Array(twice.utf8)).resource!) { "id\($0)" }
        #expect(throws: IntakeError.self) { try store.write { try TransactionExecutor.execute(plan, in: $0) } }
    }

    @Test("a failure in the middle stores nothing")
    func allOrNothing() throws {
        let store = try SQLiteGatewayStore.inMemory()
        let staleUpdate = #"""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"fullUrl":"urn:uuid:9a1b2c3d-0000-4000-8000-000000000003","resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patient"}},
              {"fullUrl":"http://x.org/fhir/Patient/p9","resource":{"resourceType":"Patient","id":"p9"},"request":{"method":"PUT","url":"Patient/p9","ifMatch":"W/\"4\""}}]}
            """#
        #expect(throws: IntakeError.self) { try store.write { try Intake.commit(try prepared(staleUpdate), in: $0) } }
        #expect(try store.read { try $0.search(ResourceQuery(type: "Patient")) }.resources.isEmpty)
    }

    @Test("a conditional create on anything but identifier is refused rather than ignored")
    func unsupportedCondition() throws {
        let bundle = Self.referral.replacingOccurrences(of: "identifier=http://clinic.example.org/mrn|A1", with: "name=Rivera")
        let store = try SQLiteGatewayStore.inMemory()
        #expect(throws: IntakeError.self) { try store.write { try Intake.commit(try prepared(bundle), in: $0) } }
    }
}
