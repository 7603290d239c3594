import Foundation
import GatewayTestSupport
import Testing

/// A real third-party client drives the API (issue "The FHIR REST API", must show): the Python
/// `fhirpy` package creates, reads, updates and searches, and posts a transaction, against a
/// gateway this test starts on loopback. `IOP_TEST_PYTHON` names the interpreter of a virtual
/// environment with `Tests/Interop/requirements.txt` installed (`.ci/run` makes one); without
/// it the test skips.
@Suite("Third-party client")
struct ThirdPartyClientTests {
    @Test("fhirpy creates, reads, updates and searches, and posts a transaction")
    func fhirpy() async throws {
        guard let python = ProcessInfo.processInfo.environment["IOP_TEST_PYTHON"].map(ExternalProgram.init(path:)),
              FileManager.default.isExecutableFile(atPath: python.path)
        else {
            print("IOP_TEST_PYTHON is not set to a venv's python with Tests/Interop/requirements.txt: fhirpy test skipped")
            return
        }
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
}
