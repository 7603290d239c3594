import FHIRCore
import FHIRJSON
import FHIRValidation
import FHIRXML
import Foundation
import GatewayStore
import Testing

/// Single-resource interactions over loopback HTTP: create and its `Prefer` variants, update
/// with `If-Match`, read/vread/history, 404/405/410, search with paging, batch.
@Suite("REST interactions")
struct RESTInteractionTests {
    @Test("create answers 201 with Location, ETag and Last-Modified, in each Prefer variant")
    func createPreferVariants() async throws {
        try await withAPIServer { server in
            let minimal = try await server.post("/fhir/Patient", json: patientJSON(mrn: "P-1"), headers: ["Prefer": "return=minimal"])
            #expect(minimal.status == 201)
            #expect(minimal.body.isEmpty)
            #expect(minimal.header("ETag") == "W/\"1\"")
            #expect(minimal.header("Last-Modified")?.hasSuffix(" GMT") == true)
            let location = try #require(minimal.header("Location"))
            #expect(location.hasPrefix(server.base + "/Patient/") && location.hasSuffix("/_history/1"))

            let representation = try await server.post(
                "/fhir/Patient", json: patientJSON(mrn: "P-2", id: "client-chosen"), headers: ["Prefer": "return=representation"])
            #expect(representation.status == 201)
            let patient = try #require(representation.resource)
            #expect(patient.resourceType == "Patient")
            // The server assigns the id (http.html §3.1.0.4).
            #expect(patient.value("id") != nil && patient.value("id") != "client-chosen")
            #expect(patient.value("meta.versionId") == "1")

            let outcome = try await server.post("/fhir/Patient", json: patientJSON(mrn: "P-3"), headers: ["Prefer": "return=OperationOutcome"])
            #expect(outcome.status == 201)
            #expect(outcome.resource?.resourceType == "OperationOutcome")
            #expect(outcome.resource?.value("issue.severity") == "information")
            #expect(outcome.header("Location") != nil)
        }
    }

    @Test("update with If-Match: the right version gives the next one, a stale one 412; PUT of an unknown id is 405")
    func updateIfMatch() async throws {
        try await withAPIServer { server in
            let created = try await server.post("/fhir/Patient", json: patientJSON(mrn: "U-1"))
            let id = try #require(created.resource?.value("id"))
            let updated = try await server.send(
                "PUT", "/fhir/Patient/\(id)", body: Array(patientJSON(mrn: "U-1", id: id, gender: "other").utf8),
                headers: ["If-Match": "W/\"1\""])
            #expect(updated.status == 200)
            #expect(updated.header("ETag") == "W/\"2\"")
            #expect(updated.resource?.value("gender") == "other")
            let stale = try await server.send(
                "PUT", "/fhir/Patient/\(id)", body: Array(patientJSON(mrn: "U-1", id: id).utf8), headers: ["If-Match": "W/\"1\""])
            #expect(stale.status == 412)
            #expect(stale.resource?.resourceType == "OperationOutcome")
            #expect(stale.resource?.value("issue.code") == "conflict")
            let mismatch = try await server.send("PUT", "/fhir/Patient/other-id", body: Array(patientJSON(mrn: "U-1", id: id).utf8))
            #expect(mismatch.status == 400)
            let unknown = try await server.send("PUT", "/fhir/Patient/nobody", body: Array(patientJSON(mrn: "U-2", id: "nobody").utf8))
            #expect(unknown.status == 405)
            // vread of each version, and the history.
            #expect(try await server.send("GET", "/fhir/Patient/\(id)/_history/1").resource?.value("gender") == "female")
            #expect(try await server.send("GET", "/fhir/Patient/\(id)/_history/2").resource?.value("gender") == "other")
            #expect(try await server.send("GET", "/fhir/Patient/\(id)/_history/3").status == 404)
            let history = try await server.send("GET", "/fhir/Patient/\(id)/_history")
            #expect(history.resource?.value("type") == "history")
            #expect(history.resource?.children("entry").count == 2)
        }
    }

    @Test("404 for an unknown id or type, 410 for a deleted resource, 405 for a method not offered")
    func notFoundGoneNotAllowed() async throws {
        try await withAPIServer { server in
            let missing = try await server.send("GET", "/fhir/Patient/does-not-exist")
            #expect(missing.status == 404)
            #expect(missing.resource?.value("issue.code") == "not-found")
            #expect(try await server.send("GET", "/fhir/Observation/1").status == 404)
            #expect(try await server.send("GET", "/fhir/NotAType/1").status == 404)
            #expect(try await server.send("GET", "/elsewhere").status == 404)

            let created = try await server.post("/fhir/Patient", json: patientJSON(mrn: "G-1"))
            let id = try #require(created.resource?.value("id"))
            let delete = #"{"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"DELETE","url":"Patient/\#(id)"}}]}"#
            let deleted = try await server.post("/fhir", json: delete)
            #expect(deleted.status == 200, "\(deleted.text)")
            #expect(deleted.resource?.children("entry").first?.value("response.status") == "204 No Content")
            let gone = try await server.send("GET", "/fhir/Patient/\(id)")
            #expect(gone.status == 410)
            #expect(gone.resource?.value("issue.code") == "deleted")

            let notAllowed = try await server.send("POST", "/fhir/Patient/\(id)")
            #expect(notAllowed.status == 405)
            #expect(notAllowed.header("Allow") == "GET, PUT, PATCH, DELETE")
            #expect(notAllowed.resource?.resourceType == "OperationOutcome")
        }
    }

    @Test("search by identifier, _id, patient and _lastUpdated, with next and self links over a cursor")
    func searchAndPaging() async throws {
        try await withAPIServer { server in
            var ids: [String] = []
            for number in 1...5 {
                let reply = try await server.post("/fhir/Patient", json: patientJSON(mrn: "S-\(number)"))
                ids.append(try #require(reply.resource?.value("id")))
            }
            let byIdentifier = try await server.send("GET", "/fhir/Patient?identifier=http://clinic.example.org/mrn%7CS-3")
            #expect(byIdentifier.resource?.value("type") == "searchset")
            #expect(byIdentifier.resource?.value("total") == "1")
            #expect(byIdentifier.resource?.value("entry.resource.id") == ids[2])
            #expect(byIdentifier.resource?.value("entry.search.mode") == "match")
            let byID = try await server.send("GET", "/fhir/Patient?_id=\(ids[0]),\(ids[4])")
            #expect(byID.resource?.children("entry").count == 2)
            #expect(try await server.send("GET", "/fhir/Patient?_lastUpdated=lt2000-01-01").resource?.value("total") == "0")
            #expect(try await server.send("GET", "/fhir/Patient?_lastUpdated=ge2000-01").resource?.value("total") == "5")
            #expect(try await server.send("GET", "/fhir/Patient?_lastUpdated=xx2000").status == 400)

            var seen: [String] = []
            var next: String? = "/fhir/Patient?_count=2"
            var pages = 0
            while let url = next, pages < 10 {
                let page = try await server.send("GET", url)
                #expect(page.status == 200)
                let bundle = try #require(page.resource)
                seen += bundle.children("entry").compactMap { $0.value("resource.id") }
                #expect(bundle.children("link").contains { $0.value("relation") == "self" })
                next = bundle.children("link").first { $0.value("relation") == "next" }?.value("url")
                pages += 1
            }
            #expect(pages == 3)
            #expect(seen.count == 5 && Set(seen) == Set(ids))
            #expect(try await server.send("GET", "/fhir/Patient?_count=2&_cursor=garbage").status == 400)

            // Resources that name their patient are found by patient and subject.
            let referral = APIFixtures.root.appendingPathComponent("SampleBundles/referrals/01-depression-ssri-referral.json")
            let posted = try await server.send("POST", "/fhir", body: Array(try Data(contentsOf: referral)))
            let locations = try #require(posted.resource).children("entry").compactMap { $0.value("response.location") }
            let patient = try #require(locations.first { $0.hasPrefix("Patient/") }?.split(separator: "/")[1])
            #expect(try await server.send("GET", "/fhir/ServiceRequest?patient=Patient/\(patient)").resource?.value("total") == "1")
            #expect(try await server.send("GET", "/fhir/MedicationRequest?subject=\(patient)").resource?.value("total") == "1")
            #expect(try await server.send("GET", "/fhir/ServiceRequest?patient=\(ids[1])").resource?.value("total") == "0")
            // An unknown parameter is refused (never silently dropped), or, under Prefer: handling=lenient,
            // left out of the self link and reported in an outcome entry.
            let idList = ids.joined(separator: ",")
            #expect(try await server.send("GET", "/fhir/Patient?xyz=Tester&_id=\(idList)").status == 400)
            #expect(try await server.send("GET", "/fhir/Patient?xyz=Tester", headers: ["Prefer": "handling=strict"]).status == 400)
            let lenient = try await server.send("GET", "/fhir/Patient?xyz=Tester&_id=\(idList)", headers: ["Prefer": "handling=lenient"])
            #expect(lenient.resource?.value("total") == "5")
            #expect(lenient.resource?.children("link").first?.value("url")?.contains("xyz") == false)
            #expect(lenient.resource?.children("entry").last?.value("search.mode") == "outcome")
        }
    }

    @Test("a batch answers each entry on its own: the good one is stored, the bad one has its outcome")
    func batch() async throws {
        let bundle = #"""
            {"resourceType":"Bundle","type":"batch","entry":[
              {"resource":\#(patientJSON(mrn: "B-1")),"request":{"method":"POST","url":"Patient"}},
              {"resource":\#(patientJSON(mrn: "B-2", gender: "not-a-gender")),"request":{"method":"POST","url":"Patient"}},
              {"request":{"method":"GET","url":"Patient?identifier=B-1"}}]}
            """#
        try await withAPIServer { server in
            let reply = try await server.post("/fhir", json: bundle)
            #expect(reply.status == 200)
            let response = try #require(reply.resource)
            #expect(response.value("type") == "batch-response")
            let entries = response.children("entry")
            #expect(entries.count == 3)
            #expect(entries[0].value("response.status") == "201 Created")
            #expect(entries[1].value("response.status") == "400 Bad Request")
            #expect(entries[1].value("response.outcome.issue.expression")?.hasPrefix("Bundle.entry[1]") == true)
            #expect(entries[2].value("response.status") == "200 OK")
            #expect(entries[2].value("resource.total") == "1")
            #expect(try server.count("Patient") == 1)
        }
    }
}
