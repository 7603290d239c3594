import Foundation
import GatewayTestSupport
import Testing

/// `fhir-gateway summary` and `disclosures` as staff run them, on a store the importer filled.
@Suite("summary and disclosures commands")
struct CommandLineTests {
    static let executable = BuiltExecutable.url(named: "fhir-gateway")

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let outcome = try ExternalProgram(path: executable!.path).runToEnd(arguments)
        return (outcome.status, outcome.output)
    }

    @Test("preview a summary by identifier, set the schedule, and list disclosures", .enabled(if: executable != nil, "the fhir-gateway executable was not built beside the tests: skipped"))
    func previewAndAccounting() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("pcp-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        let bundle = SharedData.repositoryRoot.appendingPathComponent("SampleBundles/referrals/01-depression-ssri-referral.json").path
        #expect(try Self.run(["import", bundle, "--data", data]).status == 0)
        let identifier = try #require(Self.firstIdentifier(in: bundle))

        let text = try Self.run(["summary", identifier, "--data", data, "--from", "2026-11-01", "--to", "2026-12-31", "--every", "14"])
        #expect(text.status == 0)
        #expect(text.output.contains("IOP progress summary, 2026-11-01 to 2026-12-31"))
        #expect(text.output.contains("summaries every 14 days"))
        let json = try Self.run(["summary", identifier, "--data", data, "--from", "2026-11-01", "--format", "json"])
        #expect(json.output.contains("\"resourceType\": \"DocumentReference\""))
        #expect(json.output.contains("11506-3"))

        let accounting = try Self.run(["disclosures", identifier, "--data", data])
        #expect(accounting.status == 0)
        #expect(accounting.output.hasPrefix("Disclosures of participant "))
        #expect(accounting.output.contains("0 made"))

        #expect(try Self.run(["summary", "urn:example|nobody", "--data", data]).status == 1)
        #expect(try Self.run(["summary", "--data", data]).status == 2)
    }

    /// The Patient's first identifier in the bundle, as `system|value`.
    static func firstIdentifier(in path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path),
              let bundle = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        for entry in bundle["entry"] as? [[String: Any]] ?? [] {
            guard let resource = entry["resource"] as? [String: Any], resource["resourceType"] as? String == "Patient",
                  let identifier = (resource["identifier"] as? [[String: Any]])?.first,
                  let system = identifier["system"] as? String, let value = identifier["value"] as? String else { continue }
            return system + "|" + value
        }
        return nil
    }
}
