import Foundation
import GatewayTestSupport
import Testing

/// Real third-party clients drive the API (issue "The FHIR REST API", must show): the Python
/// `fhirpy` package creates, reads, updates and searches, and posts a transaction; `fhirpy` and
/// SMART on FHIR's `fhirclient` each post Synthea transaction Bundles and search them (chains,
/// `_include`, `_revinclude`, `_sort`, paging with `_total=accurate`), checking every answer
/// against what the script works out from the posted JSON. Each runs against a gateway this test
/// starts on loopback. `IOP_TEST_PYTHON` names the interpreter of a virtual environment with
/// `Tests/Interop/requirements.txt` installed (`.ci/run` makes one); without it the tests skip.
@Suite("Third-party client")
struct ThirdPartyClientTests {
    @Test("fhirpy creates, reads, updates and searches, and posts a transaction")
    func fhirpy() async throws {
        guard let python = Self.python(skipping: "fhirpy") else { return }
        let script = APIFixtures.root.appendingPathComponent("Tests/Interop/fhirpy_client.py").path
        let bundle = APIFixtures.root.appendingPathComponent("SampleBundles/referrals/01-depression-ssri-referral.json").path
        try await withAPIServer(clients: AccessHarness.clients) { server in
            let run = try await python.run([script, server.base, AccessHarness.fullToken, bundle])
            #expect(run.status == 0, "fhirpy_client.py: \(run.output)")
            let summary = run.output.split(separator: "\n").last.map(String.init) ?? ""
            let seen = try #require(try? JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any], "\(run.output)")
            #expect(seen["count"] as? Int == 1)
            #expect(seen["serviceRequests"] as? Int == 1)
            #expect(seen["missing"] as? String == "404")
            #expect(seen["invalid"] as? String != nil)
            let statuses = (seen["transaction"] as? [String]) ?? []
            #expect(!statuses.isEmpty && statuses.allSatisfy { $0.hasPrefix("201") || $0.hasPrefix("200") }, "\(statuses)")
            // What fhirpy created is in the store: its Patient and the transaction's.
            #expect(try server.count("Patient") == 2)
        }
    }

    /// Synthea patients whose data the search tests post (their bundles in `../shared`): two
    /// namesakes (Ondricka, a man and a woman) so a chain on the family name meets two patients,
    /// another woman, and a man whose family name (Mejía) a chain finds written without the
    /// accent. The first is the one searched for.
    static let syntheaBundles = [
        "43d11566-de89-4702-bf50-fff2978bd15d", "eb9b0a98-5282-4e6b-8d6f-fb64d37f2d23",
        "074c3873-c476-40e3-8046-f67372eb5e05", "59a8543c-e24f-4a01-b28b-47ccde6bc11d",
    ]

    @Test("fhirpy searches Synthea data: chains, _include, _revinclude, _sort, paging, gender, an unknown parameter")
    func fhirpySearches() async throws {
        try await searchSynthea(with: "fhirpy_search.py", client: "fhirpy") { seen in
            #expect(seen["unknownParameter"] as? String != nil, "\(seen)")
            // Encounter:subject and Condition:subject of the two namesakes: 18 + 30 and 9 + 4.
            #expect((seen["revinclude"] as? [String: Any])?["include"] as? Int == 48 + 13, "\(seen)")
        }
    }

    @Test("fhirclient searches Synthea data: Encounter.where({'patient': id}), chains, _include, _revinclude, _sort, paging")
    func fhirclientSearches() async throws {
        try await searchSynthea(with: "fhirclient_client.py", client: "fhirclient") { seen in
            let unknown = seen["unknownParameter"] as? [String: Any]
            #expect(unknown?["status"] as? Int == 400, "\(seen)")
            #expect(seen["encountersOfPatient"] as? Int == 18, "\(seen)")
            #expect((seen["include"] as? [String: Any])?["include"] as? Bool == true, "\(seen)")
            #expect((seen["revinclude"] as? [String: Any])?["include"] as? Int == 18 + 30, "\(seen)")
        }
    }

    /// Runs a client's search script over the Synthea bundles on a fresh gateway, and checks the
    /// summary line it prints (the script itself compares each answer with the posted JSON).
    func searchSynthea(
        with scriptName: String, client: String, _ more: ([String: Any]) -> Void
    ) async throws {
        guard let python = Self.python(skipping: client) else { return }
        guard let folder = SharedData.folder("synthea/bundles") else {
            print("\(SharedData.absentMessage) (synthea/bundles, for the \(client) search test)")
            return
        }
        let bundles = Self.syntheaBundles.map { folder.appendingPathComponent("\($0).json").path }
        let script = APIFixtures.root.appendingPathComponent("Tests/Interop/\(scriptName)").path
        try await withAPIServer(clients: AccessHarness.clients) { server in
            let run = try await python.run([script, server.base, AccessHarness.fullToken] + bundles)
            #expect(run.status == 0, "\(scriptName): \(run.output)")
            let summary = run.output.split(separator: "\n").last.map(String.init) ?? ""
            let seen = try #require(try? JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any], "\(run.output)")
            // 792 resources in the four bundles; the first patient has 187 observations, 18 encounters.
            #expect(seen["loaded"] as? Int == 792, "\(seen)")
            #expect(seen["chainedUnaccented"] as? Int == 44, "\(seen)")
            #expect(seen["chainedIdentifier"] as? Int == 18, "\(seen)")
            #expect((seen["chainedFamily"] as? [String: Any])?["patients"] as? Int == 2, "\(seen)")
            #expect((seen["chainedFamily"] as? [String: Any])?["observations"] as? Int == 187 + 94, "\(seen)")
            #expect((seen["revinclude"] as? [String: Any])?["match"] as? Int == 2, "\(seen)")
            #expect(seen["sorted"] as? Int == 187, "\(seen)")
            let paging = seen["paging"] as? [String: Any]
            #expect(paging?["total"] as? Int == 187 && paging?["resources"] as? Int == 187, "\(seen)")
            #expect(paging?["pages"] as? Int == 5, "\(seen)")
            #expect(seen["females"] as? Int == 2, "\(seen)")
            more(seen)
            #expect(try server.count("Observation") == 187 + 94 + 95 + 44)
        }
    }

    /// The venv's interpreter `IOP_TEST_PYTHON` names, or nil (saying which test skips).
    static func python(skipping client: String) -> ExternalProgram? {
        guard let python = ProcessInfo.processInfo.environment["IOP_TEST_PYTHON"].map(ExternalProgram.init(path:)),
              FileManager.default.isExecutableFile(atPath: python.path)
        else {
            print("IOP_TEST_PYTHON is not set to a venv's python with Tests/Interop/requirements.txt: \(client) test skipped")
            return nil
        }
        return python
    }
}
