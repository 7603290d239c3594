import FHIRPath
import Foundation
import GatewayTestSupport
import Testing

/// The official FHIRPath R4 test suite (`fhir-test-cases/r4/fhirpath/tests-fhir-r4.xml`, 935
/// active tests) against our engine. Every test runs; the few in `OfficialSuite.skipped` do not
/// count, each for a stated reason. Any other failure fails this test.
@Suite("Official FHIRPath R4 test suite")
struct OfficialSuiteTests {
    static let folder = SharedData.folder("fhir-test-cases/r4")

    @Test("every active test of tests-fhir-r4.xml passes, bar the skips with stated reasons",
          .enabled(if: SharedData.root != nil, Comment(rawValue: SharedData.absentMessage)))
    func officialSuite() throws {
        let folder = try #require(Self.folder, "fhir-test-cases/r4 is missing from ../shared")
        let suite = try OfficialSuite(suiteFile: folder.appendingPathComponent("fhirpath/tests-fhir-r4.xml"))
        #expect(suite.cases.count == 935, "the suite file has \(suite.cases.count) active tests, expected 935")
        #expect(Set(suite.cases.map(\.name)).isSuperset(of: OfficialSuite.skipped.keys),
                "a skipped test is no longer in the suite: update the table")

        let inputs = OfficialSuite.Inputs(folder: folder)
        var passed = 0
        var failures: [(name: String, reason: String)] = []
        var skipped: [String] = []
        var skippedOutcomes: [String: String] = [:]
        var skippedButPassing: [String] = []
        for test in suite.cases {
            let outcome = OfficialSuite.run(test, inputs: inputs)
            if OfficialSuite.skipped[test.name] != nil {
                skipped.append(test.name)
                switch outcome {
                case .passed: skippedButPassing.append(test.name)
                case .failed(let reason): skippedOutcomes[test.name] = reason
                }
                continue
            }
            switch outcome {
            case .passed: passed += 1
            case .failed(let reason): failures.append((test.name, reason))
            }
        }

        var summary = "FHIRPath R4 suite: \(passed) passed, \(failures.count) failed, \(skipped.count) skipped "
            + "of \(suite.cases.count)"
        for name in skipped.sorted() {
            summary += "\n  skipped \(name): \(OfficialSuite.skipped[name] ?? "") (\(skippedOutcomes[name] ?? "passes"))"
        }
        for failure in failures { summary += "\n  FAILED \(failure.name): \(failure.reason)" }
        if !skippedButPassing.isEmpty {
            summary += "\n  skipped but now passing (remove from the table): \(skippedButPassing.sorted().joined(separator: ", "))"
        }
        print(summary)
        #expect(failures.isEmpty, "\(failures.count) failed: \(failures.map(\.name).joined(separator: ", "))")
        #expect(passed + failures.count + skipped.count == suite.cases.count)
    }

    @Test("the repair of observation-example.xml moves status after the extension, nothing else",
          .enabled(if: SharedData.root != nil, Comment(rawValue: SharedData.absentMessage)))
    func observationRepair() throws {
        let folder = try #require(Self.folder)
        let original = try SharedData.bytes(of: folder.appendingPathComponent("observation-example.xml"))
        let repaired = OfficialSuite.Inputs.repairObservation(original)
        #expect(repaired != original)
        #expect(repaired.count == original.count)
        #expect(repaired.sorted() == original.sorted())
        let text = repaired.utf8Text
        let extensionEnd = try #require(text.range(of: "</extension>"))
        let status = try #require(text.range(of: "<status value=\"final\"/>"))
        #expect(status.lowerBound == extensionEnd.upperBound)
    }
}
