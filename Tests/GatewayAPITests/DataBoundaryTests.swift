import FHIRCore
import Foundation
import GatewayTestSupport
@testable import GatewayAPI
import Testing

/// Per-client data boundaries (issue 17), over real HTTP: two practices' clients, each tied to
/// its organization (one by id, one by NPI), read, search (with `_include`, `_revinclude`,
/// chains, `_has`, `_summary=count`), read history, post and update; none ever receives a
/// resource of the other practice's patients, or of a patient linked to no one. A SMART v2
/// scope restriction narrows what a third client sees.
@Suite("Data boundaries: two practices, each sees and writes only its own patients' compartments", .serialized)
struct DataBoundaryTests {
    static let aToken = "practice-a-token-0123456789abcdefghijklmnopq"
    static let bToken = "practice-b-token-0123456789abcdefghijklmnopq"
    static let labToken = "lab-reader-token-0123456789abcdefghijklmnopq"
    static let npi = "http://hl7.org/fhir/sid/us-npi"

    static let clients = ClientRegistry(clients: [
        AccessHarness.client("ehr-full", AccessHarness.fullToken, ["system/*.*"]),
        APIClient(
            name: "practice-a", tokenSHA256: ClientRegistry.hexBytes(APIClient.tokenSHA256Hex(aToken))!,
            scopes: ["system/*.cruds"].compactMap(SMARTScope.init), organizations: [.id("org-a")]),
        APIClient(
            name: "practice-b", tokenSHA256: ClientRegistry.hexBytes(APIClient.tokenSHA256Hex(bToken))!,
            scopes: ["system/*.cruds"].compactMap(SMARTScope.init), organizations: [.identifier(system: npi, value: "2222222222")]),
        AccessHarness.client("lab-reader", labToken, ["system/Observation.rs?category=laboratory"]),
    ])

    /// Who is whose: A's patients are linked by generalPractitioner (the Organization) and by
    /// managingOrganization; B's by a PractitionerRole of B and by B's referral (ServiceRequest).
    static let patientsOf = ["a": ["pa1", "pa2"], "b": ["pb1", "pb2"], "none": ["pn"]]

    /// Everything of each side, by id: the patients and what lies in their compartments.
    static func ids(of side: String) -> Set<String> {
        var ids: Set<String> = []
        for patient in patientsOf[side]! {
            ids.formUnion([patient, "\(patient)-lab", "\(patient)-vitals", "\(patient)-enc"])
        }
        if side == "b" { ids.insert("sr-b") }
        return ids
    }

    static func seedBundle() -> String {
        var entries: [String] = []
        func put(_ type: String, _ id: String, _ body: String) {
            entries.append(#"{"resource":{"resourceType":"\#(type)","id":"\#(id)",\#(body)},"request":{"method":"PUT","url":"\#(type)/\#(id)"}}"#)
        }
        put("Organization", "org-a", #""identifier":[{"system":"\#(npi)","value":"1111111111"}],"name":"Practice A""#)
        put("Organization", "org-b", #""identifier":[{"system":"\#(npi)","value":"2222222222"}],"name":"Practice B""#)
        put("PractitionerRole", "role-b", #""organization":{"reference":"Organization/org-b"}"#)
        let links = [
            "pa1": #""generalPractitioner":[{"reference":"Organization/org-a"}]"#,
            "pa2": #""managingOrganization":{"reference":"Organization/org-a"}"#,
            "pb1": #""generalPractitioner":[{"reference":"PractitionerRole/role-b"}]"#,
            "pb2": #""gender":"male""#,
            "pn": #""gender":"other""#,
        ]
        for (index, (patient, link)) in links.sorted(by: { $0.key < $1.key }).enumerated() {
            put("Patient", patient, #""identifier":[{"system":"http://clinic.example.org/mrn","value":"B-\#(index)"}],"name":[{"family":"Shared","given":["P\#(index)"]}],"birthDate":"1980-01-0\#(index + 1)",\#(link)"#)
            for (suffix, category) in [("lab", "laboratory"), ("vitals", "vital-signs")] {
                put("Observation", "\(patient)-\(suffix)", #""status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"\#(category)"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"718-7"}]},"subject":{"reference":"Patient/\#(patient)"},"effectiveDateTime":"2024-05-01T10:00:00Z""#)
            }
            put("Encounter", "\(patient)-enc", #""status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},"subject":{"reference":"Patient/\#(patient)"}"#)
        }
        put("ServiceRequest", "sr-b", #""status":"active","intent":"order","authoredOn":"2024-04-01","subject":{"reference":"Patient/pb2"},"requester":{"reference":"Organization/org-b"}"#)
        return #"{"resourceType":"Bundle","type":"transaction","entry":[\#(entries.joined(separator: ","))]}"#
    }

    /// Every id a response body carries (resource ids and reference targets' ids).
    static func idsIn(_ reply: Reply) -> Set<String> {
        let text = reply.text
        var found: Set<String> = []
        for id in ids(of: "a").union(ids(of: "b")).union(ids(of: "none")) where text.contains("\"\(id)\"") || text.contains("/\(id)\"") {
            found.insert(id)
        }
        return found
    }

    @Test("the matrix: reads, searches with _include/_revinclude/chains/_has, history and writes stay inside each practice")
    func matrix() async throws {
        try await withAPIServer(clients: Self.clients) { server in
            let seeded = try await server.post("/fhir", json: Self.seedBundle(), headers: ["Authorization": "Bearer \(AccessHarness.fullToken)"])
            if seeded.status != 200 { print("SEED:", seeded.text.prefix(3000)) }
            try #require(seeded.status == 200)

            for (side, other, token) in [("a", "b", Self.aToken), ("b", "a", Self.bToken)] {
                let own = Self.ids(of: side)
                let foreign = Self.ids(of: other).union(Self.ids(of: "none"))
                let auth = ["Authorization": "Bearer \(token)"]
                func get(_ path: String) async throws -> Reply { try await server.send("GET", path, headers: auth) }

                // Reads: own 200, anything else 404 (never 403: existence does not leak).
                for id in own.sorted() {
                    let type = id.hasPrefix("sr-") ? "ServiceRequest" : id.hasSuffix("-enc") ? "Encounter" : id.contains("-") ? "Observation" : "Patient"
                    #expect(try await get("/fhir/\(type)/\(id)").status == 200, "\(side) reads its \(id)")
                    #expect(try await get("/fhir/\(type)/\(id)/_history").status == 200)
                    #expect(try await get("/fhir/\(type)/\(id)/_history/1").status == 200)
                }
                for id in foreign.sorted() {
                    let type = id.hasPrefix("sr-") ? "ServiceRequest" : id.hasSuffix("-enc") ? "Encounter" : id.contains("-") ? "Observation" : "Patient"
                    #expect(try await get("/fhir/\(type)/\(id)").status == 404, "\(side) must not read \(id)")
                    #expect(try await get("/fhir/\(type)/\(id)/_history").status == 404)
                    #expect(try await get("/fhir/\(type)/\(id)/_history/1").status == 404)
                }

                // Searches of every shape: only own ids ever appear.
                let searches = [
                    "/fhir/Patient", "/fhir/Observation", "/fhir/Encounter", "/fhir/ServiceRequest",
                    "/fhir/Observation?_include=Observation:subject",
                    "/fhir/Patient?_revinclude=Observation:subject&_revinclude=Encounter:subject",
                    "/fhir/Observation?subject:Patient.family=Shared",
                    "/fhir/Observation?subject.name=Shared&_include=Observation:patient",
                    "/fhir/Patient?_has:Observation:patient:code=718-7",
                    "/fhir/Encounter?_include=Encounter:subject&_include:iterate=Patient:general-practitioner",
                    "/fhir/_history", "/fhir/Observation/_history", "/fhir/Patient/_history",
                ]
                for path in searches {
                    let reply = try await get(path)
                    #expect(reply.status == 200, "\(side) \(path): \(reply.text.prefix(300))")
                    let seen = Self.idsIn(reply)
                    #expect(seen.isDisjoint(with: foreign), "\(side) \(path) leaked \(seen.intersection(foreign).sorted())")
                }
                let observations = try await get("/fhir/Observation?_count=50")
                #expect(Self.idsIn(observations).filter { $0.contains("-lab") || $0.contains("-vitals") } == own.filter { $0.contains("-lab") || $0.contains("-vitals") })
                #expect(try await get("/fhir/Observation?_summary=count").resource?.value("total") == "4")
                #expect(try await get("/fhir/Patient?_summary=count").resource?.value("total") == "2")
                // The client's own Organization is visible, the other practice's is not.
                #expect(try await get("/fhir/Organization/org-\(side)").status == 200)
                #expect(try await get("/fhir/Organization/org-\(other)").status == 404)

                // A transaction's GET entries are bounded too.
                let reads = #"{"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"GET","url":"Observation?_include=Observation:subject"}},{"request":{"method":"GET","url":"Patient/\#(Self.patientsOf[other]![0])"}}]}"#
                let batch = try await server.post("/fhir", json: reads, headers: auth)
                #expect(batch.status == 200)
                #expect(Self.idsIn(batch).isDisjoint(with: foreign), "\(side) batch GET leaked")
                #expect(batch.text.contains("\"404"))

                // Writes: an observation of one's own patient is accepted; of the other's is not.
                let ownPatient = Self.patientsOf[side]![0]
                let foreignPatient = Self.patientsOf[other]![0]
                func observation(_ patient: String) -> String {
                    #"{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/\#(patient)"}}"#
                }
                let created = try await server.post("/fhir/Observation", json: observation(ownPatient), headers: auth)
                #expect(created.status == 201, "\(side): \(created.text)")
                if let location = created.header("Location") { #expect(try await get(location).status == 200) }
                let refused = try await server.post("/fhir/Observation", json: observation(foreignPatient), headers: auth)
                #expect(refused.status == 403, "\(side) posting for \(foreignPatient): \(refused.text)")
                let hijack = try await server.send(
                    "PUT", "/fhir/Observation/\(foreignPatient)-lab",
                    body: Array(#"{"resourceType":"Observation","id":"\#(foreignPatient)-lab","status":"cancelled","code":{"text":"x"},"subject":{"reference":"Patient/\#(ownPatient)"}}"#.utf8),
                    headers: auth)
                #expect(hijack.status == 404, "\(side) must not update the other's observation: \(hijack.status)")
                #expect(try await server.send("DELETE", "/fhir/Observation/\(foreignPatient)-vitals", headers: auth).status == 404)
                // The other's resources are untouched.
                let untouched = try await server.send("GET", "/fhir/Observation/\(foreignPatient)-lab", headers: ["Authorization": "Bearer \(AccessHarness.fullToken)"])
                #expect(untouched.resource?.value("status") == "final")
                #expect(try await server.send("GET", "/fhir/Observation/\(foreignPatient)-vitals", headers: ["Authorization": "Bearer \(AccessHarness.fullToken)"]).status == 200)
                // A transaction with one foreign entry is refused whole.
                let mixed = #"{"resourceType":"Bundle","type":"transaction","entry":[{"resource":\#(observation(ownPatient)),"request":{"method":"POST","url":"Observation"}},{"resource":\#(observation(foreignPatient)),"request":{"method":"POST","url":"Observation"}}]}"#
                let before = try server.count("Observation")
                #expect(try await server.post("/fhir", json: mixed, headers: auth).status == 403)
                #expect(try server.count("Observation") == before, "nothing of the refused transaction was written")
            }

            // A new patient registered by practice A with A as its practice is A's, and not B's.
            let registered = try await server.post(
                "/fhir/Patient",
                json: #"{"resourceType":"Patient","identifier":[{"system":"http://clinic.example.org/mrn","value":"NEW-1"}],"name":[{"family":"New"}],"birthDate":"1999-09-09","generalPractitioner":[{"reference":"Organization/org-a"}]}"#,
                headers: ["Authorization": "Bearer \(Self.aToken)"])
            #expect(registered.status == 201, "\(registered.text)")
            let newID = try #require(registered.resource?.value("id"))
            #expect(try await server.send("GET", "/fhir/Patient/\(newID)", headers: ["Authorization": "Bearer \(Self.bToken)"]).status == 404)
            let elsewhere = try await server.post(
                "/fhir/Patient",
                json: #"{"resourceType":"Patient","identifier":[{"system":"http://clinic.example.org/mrn","value":"NEW-2"}],"name":[{"family":"New"}],"birthDate":"1999-09-10","generalPractitioner":[{"reference":"Organization/org-b"}]}"#,
                headers: ["Authorization": "Bearer \(Self.aToken)"])
            #expect(elsewhere.status == 403, "A may not register a patient of B: \(elsewhere.text)")
        }
    }

    @Test("a SMART v2 restriction (system/Observation.rs?category=laboratory) is honoured: search, read, include")
    func scopeRestriction() async throws {
        try await withAPIServer(clients: Self.clients) { server in
            let seeded = try await server.post("/fhir", json: Self.seedBundle(), headers: ["Authorization": "Bearer \(AccessHarness.fullToken)"])
            try #require(seeded.status == 200)
            let auth = ["Authorization": "Bearer \(Self.labToken)"]
            let search = try await server.send("GET", "/fhir/Observation?_count=50", headers: auth)
            #expect(search.status == 200)
            let seen = Self.idsIn(search)
            #expect(!seen.isEmpty && seen.allSatisfy { $0.hasSuffix("-lab") || !$0.contains("-") }, "\(seen.sorted())")
            #expect(!seen.contains { $0.hasSuffix("-vitals") })
            #expect(try await server.send("GET", "/fhir/Observation/pa1-lab", headers: auth).status == 200)
            #expect(try await server.send("GET", "/fhir/Observation/pa1-vitals", headers: auth).status == 404)
            #expect(try await server.send("GET", "/fhir/Patient", headers: auth).status == 403)
            let revinclude = try await server.send("GET", "/fhir/Observation?code=718-7&_summary=count", headers: auth)
            #expect(revinclude.resource?.value("total") == "5")
        }
    }

    @Test("fhirpy behind SMART Backend Services (discovery, PyJWT assertion, token) sees only practice A's patients")
    func thirdPartyTokenFlow() async throws {
        guard let python = ThirdPartyClientTests.python(skipping: "fhirpy SMART Backend Services") else { return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("boundary-smart-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // The keys and JWKS come from cryptography (the assertions it prints are not used here).
        _ = try await TokenEndpointTests.makeAssertions(python: python, in: folder, clientID: "cedar-ehr", audience: "unused")
        let file: [String: Any] = ["clients": [
            ["name": "cedar-ehr", "jwksFile": "jwks.json", "scopes": ["system/*.rs"], "organizations": ["Organization/org-a"]],
            ["name": "local", "tokenSHA256": APIClient.tokenSHA256Hex(AccessHarness.fullToken), "scopes": ["system/*.*"]],
        ]]
        try JSONSerialization.data(withJSONObject: file).write(to: folder.appendingPathComponent("clients.json"))
        let clients = try ClientRegistry.load(path: folder.appendingPathComponent("clients.json").path)
        try await withAPIServer(clients: clients) { server in
            let seeded = try await server.post("/fhir", json: Self.seedBundle(), headers: ["Authorization": "Bearer \(AccessHarness.fullToken)"])
            try #require(seeded.status == 200)
            let script = SharedData.repositoryRoot.appendingPathComponent("Tests/Interop/smart_client.py").path
            let run = try await python.run([script, server.base, "cedar-ehr", folder.appendingPathComponent("rs.pem").path, "rs-1", "system/Patient.rs system/Observation.rs"])
            try #require(run.status == 0, "smart_client.py failed: \(run.output.suffix(3000))")
            let line = try #require(run.output.split(separator: "\n").last { $0.hasPrefix("{") })
            let seen = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(seen["token_endpoint"] as? String == "http://127.0.0.1:\(server.port)/auth/token")
            #expect(seen["scope"] as? String == "system/Patient.rs system/Observation.rs")
            #expect(seen["patients"] as? [String] == ["pa1", "pa2"])
            #expect(seen["observations"] as? [String] == ["pa1-lab", "pa1-vitals", "pa2-lab", "pa2-vitals"])
            #expect(seen["included"] as? [String] == ["pa1", "pa2"])
            #expect(seen["chained"] as? [String] == ["pa1-lab", "pa1-vitals", "pa2-lab", "pa2-vitals"])
        }
    }

    @Test("the clients file: organizations by id or identifier; restrictions checked against the type at load")
    func configuration() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("boundary-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("clients.json").path
        let hash = APIClient.tokenSHA256Hex("t")
        func load(_ client: String) throws -> ClientRegistry {
            try Data(#"{"clients":[\#(client)]}"#.utf8).write(to: URL(fileURLWithPath: path))
            return try ClientRegistry.load(path: path)
        }
        let loaded = try load(#"{"name":"a","tokenSHA256":"\#(hash)","scopes":["system/DocumentReference.rs?category=clinical-note"],"organizations":["Organization/org-a","\#(Self.npi)|123"]}"#)
        #expect(loaded.clients[0].organizations == [.id("org-a"), .identifier(system: Self.npi, value: "123")])
        #expect(loaded.clients[0].scopes[0].restriction == "category=clinical-note")
        #expect(throws: ClientConfigurationError.self) {
            try load(#"{"name":"a","tokenSHA256":"\#(hash)","scopes":["system/Observation.rs?no-such-parameter=1"]}"#)
        }
        #expect(throws: ClientConfigurationError.self) {
            try load(#"{"name":"a","tokenSHA256":"\#(hash)","scopes":["system/*.rs"],"organizations":["org-a"]}"#)
        }
        #expect(throws: ClientConfigurationError.self) { try load(#"{"name":"a","scopes":["system/*.rs"]}"#) }
    }
}
