import FHIRCore
import Foundation
import Testing

/// The interactions every R4 type has (issue 15): types the IOP does not map are stored as
/// received and served; DELETE and conditional delete, conditional update, JSON Patch, type
/// and system history, `_include`/`_revinclude`, `_summary`/`_elements`, and `/metadata` saying
/// all of it.
@Suite("Every type's interactions")
struct EveryTypeInteractionTests {
    static let encounter = #"""
        {"resourceType":"Encounter","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},
         "identifier":[{"system":"urn:enc","value":"E-1"}],"subject":{"reference":"Patient/PID"},"period":{"start":"2024-05-01T10:00:00Z","end":"2024-05-01T11:00:00Z"}}
        """#
    static let observation = #"""
        {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"44261-6","display":"PHQ-9 total score"}],"text":"PHQ-9"},
         "subject":{"reference":"Patient/PID"},"encounter":{"reference":"Encounter/EID"},"effectiveDateTime":"2024-05-01T10:30:00Z","valueQuantity":{"value":14,"system":"http://unitsofmeasure.org","code":"{score}"}}
        """#

    /// A patient, an encounter of theirs and an observation in it; returns their ids.
    func seed(_ server: APIServer) async throws -> (patient: String, encounter: String, observation: String) {
        let patient = try #require(try await server.post("/fhir/Patient", json: patientJSON(mrn: "T-1")).resource?.value("id"))
        let encounter = try await server.post("/fhir/Encounter", json: Self.encounter.replacingOccurrences(of: "PID", with: patient))
        #expect(encounter.status == 201, "\(encounter.text)")
        let encounterID = try #require(encounter.resource?.value("id"))
        let observation = try await server.post(
            "/fhir/Observation",
            json: Self.observation.replacingOccurrences(of: "PID", with: patient).replacingOccurrences(of: "EID", with: encounterID))
        #expect(observation.status == 201, "\(observation.text)")
        return (patient, encounterID, try #require(observation.resource?.value("id")))
    }

    @Test("a type the IOP does not map is created, read back from its Location, searched, and deleted (then 410)")
    func createReadSearchDelete() async throws {
        try await withAPIServer { server in
            let (patient, encounter, _) = try await seed(server)
            let read = try await server.send("GET", "/fhir/Encounter/\(encounter)")
            #expect(read.status == 200)
            #expect(read.resource?.value("identifier.value") == "E-1")
            #expect(try await server.send("GET", "/fhir/Encounter?subject=Patient/\(patient)").resource?.value("total") == "1")
            #expect(try await server.send("GET", "/fhir/Encounter?date=2024-05-01").resource?.value("total") == "1")
            #expect(try await server.send("GET", "/fhir/Encounter?date=lt2024-04-30").resource?.value("total") == "0")
            #expect(try await server.send("GET", "/fhir/Encounter?class=AMB&status=finished").resource?.value("total") == "1")
            #expect(try await server.send("GET", "/fhir/Observation?code=http://loinc.org|44261-6&value-quantity=gt10").resource?.value("total") == "1")
            #expect(try await server.send("GET", "/fhir/Observation?code:text=phq").resource?.value("total") == "1")
            #expect(try await server.send("GET", "/fhir/Observation?subject:Patient.identifier=http://clinic.example.org/mrn|T-1").resource?.value("total") == "1")

            let deleted = try await server.send("DELETE", "/fhir/Encounter/\(encounter)")
            #expect(deleted.status == 200)
            #expect(deleted.header("ETag") == "W/\"2\"")
            #expect(try await server.send("GET", "/fhir/Encounter/\(encounter)").status == 410)
            #expect(try await server.send("GET", "/fhir/Encounter/\(encounter)/_history/1").status == 200)
            let history = try await server.send("GET", "/fhir/Encounter/\(encounter)/_history")
            #expect(history.resource?.children("entry").count == 2)
            #expect(try await server.send("GET", "/fhir/Encounter?subject=Patient/\(patient)").resource?.value("total") == "0")
            // Deleting again is still a success, and says there was nothing to delete.
            #expect(try await server.send("DELETE", "/fhir/Encounter/\(encounter)").status == 200)
        }
    }

    @Test("conditional update creates, then updates the one match; conditional delete removes it; several matches are 412")
    func conditionalUpdateAndDelete() async throws {
        try await withAPIServer { server in
            let body = Array(Self.encounter.replacingOccurrences(of: "PID", with: "x").utf8)
            let created = try await server.send("PUT", "/fhir/Encounter?identifier=urn:enc|E-1", body: body)
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created.resource?.value("id"))
            let updated = try await server.send(
                "PUT", "/fhir/Encounter?identifier=urn:enc|E-1",
                body: Array(Self.encounter.replacingOccurrences(of: "PID", with: "x").replacingOccurrences(of: "finished", with: "cancelled").utf8))
            #expect(updated.status == 200)
            #expect(updated.resource?.value("id") == id)
            #expect(updated.resource?.value("status") == "cancelled")
            _ = try await server.post("/fhir/Encounter", json: Self.encounter.replacingOccurrences(of: "PID", with: "x"))
            #expect(try await server.send("PUT", "/fhir/Encounter?identifier=urn:enc|E-1", body: body).status == 412)
            #expect(try await server.send("DELETE", "/fhir/Encounter?identifier=urn:enc|E-1").status == 412)
            #expect(try await server.send("DELETE", "/fhir/Encounter?status=cancelled").status == 200)
            #expect(try await server.send("GET", "/fhir/Encounter/\(id)").status == 410)
            // A condition the server cannot apply is refused, never treated as "match everything".
            #expect(try await server.send("DELETE", "/fhir/Encounter?nonsense=1").status == 400)
            #expect(try await server.send("DELETE", "/fhir/Encounter").status == 400)
        }
    }

    @Test("JSON Patch: applied to the current version, validated, versioned; a bad patch or result is 422")
    func jsonPatch() async throws {
        try await withAPIServer { server in
            let (_, encounter, _) = try await seed(server)
            let patch = #"[{"op":"test","path":"/status","value":"finished"},{"op":"replace","path":"/status","value":"cancelled"},"#
                + #"{"op":"add","path":"/identifier/-","value":{"system":"urn:enc","value":"E-2"}}]"#
            let patched = try await server.send(
                "PATCH", "/fhir/Encounter/\(encounter)", body: Array(patch.utf8),
                headers: ["Content-Type": "application/json-patch+json", "If-Match": "W/\"1\""])
            #expect(patched.status == 200, "\(patched.text)")
            #expect(patched.header("ETag") == "W/\"2\"")
            #expect(patched.resource?.value("status") == "cancelled")
            #expect(patched.resource?.children("identifier").count == 2)
            let failedTest = try await server.send(
                "PATCH", "/fhir/Encounter/\(encounter)", body: Array(#"[{"op":"test","path":"/status","value":"finished"}]"#.utf8),
                headers: ["Content-Type": "application/json-patch+json"])
            #expect(failedTest.status == 422)
            let invalid = try await server.send(
                "PATCH", "/fhir/Encounter/\(encounter)", body: Array(#"[{"op":"remove","path":"/status"}]"#.utf8),
                headers: ["Content-Type": "application/json-patch+json"])
            #expect(invalid.status == 422)
            #expect(invalid.resource?.children("issue").contains { $0.value("expression")?.contains("status") == true } == true)
            let stale = try await server.send(
                "PATCH", "/fhir/Encounter/\(encounter)", body: Array(patch.utf8),
                headers: ["Content-Type": "application/json-patch+json", "If-Match": "W/\"1\""])
            #expect(stale.status == 412)
            let wrongType = try await server.send("PATCH", "/fhir/Encounter/\(encounter)", body: Array("[]".utf8))
            #expect(wrongType.status == 415)
        }
    }

    @Test("_include, _revinclude (with :iterate), _summary, _elements and _sort over loopback HTTP")
    func includesAndShaping() async throws {
        try await withAPIServer { server in
            let (patient, encounter, observation) = try await seed(server)
            let included = try await server.send("GET", "/fhir/Observation?_id=\(observation)&_include=Observation:subject&_include=Observation:encounter")
            let entries = try #require(included.resource).children("entry")
            #expect(entries.map { $0.value("search.mode") ?? "" }.sorted() == ["include", "include", "match"])
            #expect(Set(entries.compactMap { $0.at("resource")?.resourceType }) == ["Observation", "Patient", "Encounter"])
            let reverse = try await server.send(
                "GET", "/fhir/Patient?_id=\(patient)&_revinclude=Encounter:subject&_revinclude:iterate=Observation:encounter")
            #expect(Set(try #require(reverse.resource).children("entry").compactMap { $0.at("resource")?.resourceType })
                    == ["Patient", "Encounter", "Observation"])
            let summary = try await server.send("GET", "/fhir/Encounter?_id=\(encounter)&_elements=status")
            let subset = try #require(summary.resource?.at("entry")?.at("resource"))
            #expect(subset.value("status") == "finished")
            #expect(subset.at("subject") == nil)
            #expect(subset.at("meta")?.children("tag").contains { $0.value("code") == "SUBSETTED" } == true)
            let count = try await server.send("GET", "/fhir/Encounter?_summary=count")
            #expect(count.resource?.value("total") == "1")
            #expect(count.resource?.children("entry").isEmpty == true)
            _ = try await server.post("/fhir/Patient", json: patientJSON(mrn: "T-2"))
            let sorted = try await server.send("GET", "/fhir/Patient?_sort=-_lastUpdated,_id&_count=1")
            #expect(sorted.resource?.children("link").contains { $0.value("relation") == "next" } == true)
        }
    }

    @Test("type and system history, newest first, paged")
    func histories() async throws {
        try await withAPIServer { server in
            _ = try await seed(server)
            let system = try await server.send("GET", "/fhir/_history?_count=2")
            #expect(system.status == 200)
            #expect(system.resource?.value("type") == "history")
            #expect(system.resource?.children("entry").count == 2)
            let next = try #require(system.resource?.children("link").first { $0.value("relation") == "next" }?.value("url"))
            let path = String(next.dropFirst(server.base.count - "/fhir".count))
            let second = try await server.send("GET", path)
            #expect(second.resource?.children("entry").count == 1)
            let encounters = try await server.send("GET", "/fhir/Encounter/_history")
            #expect(encounters.resource?.children("entry").count == 1)
            #expect(try await server.send("GET", "/fhir/_history?_since=2999-01-01T00:00:00Z").resource?.children("entry").isEmpty == true)
        }
    }

    @Test("/metadata lists every R4 type with its interactions and search parameters")
    func metadata() async throws {
        try await withAPIServer { server in
            let statement = try #require(try await server.send("GET", "/fhir/metadata").resource)
            let resources = try #require(statement.at("rest")).children("resource")
            #expect(resources.count == TypeCatalogue.r4.resourceTypeNames.count)
            #expect(resources.count == 146)
            let encounter = try #require(resources.first { $0.value("type") == "Encounter" })
            let interactions = Set(encounter.children("interaction").compactMap { $0.value("code") })
            #expect(interactions.isSuperset(of: ["read", "vread", "update", "patch", "delete", "history-type", "create", "search-type"]))
            let parameters = Set(encounter.children("searchParam").compactMap { $0.value("name") })
            #expect(parameters.isSuperset(of: ["_id", "_lastUpdated", "date", "subject", "patient", "status", "class", "_tag"]))
            #expect(!parameters.contains("_text"))
            let patient = try #require(resources.first { $0.value("type") == "Patient" })
            #expect(patient.children("supportedProfile").isEmpty == false)
        }
    }
}
