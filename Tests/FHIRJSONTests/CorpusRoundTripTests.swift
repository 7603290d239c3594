import FHIRCore
import FHIRJSON
import Foundation
import GatewayTestSupport
import Testing

/// Every official R4 JSON example and every Synthea bundle parses in strict mode and is written
/// back as the same JSON: same members, same values, decimals identical to the character.
@Suite("JSON round-trip over real corpora")
struct CorpusRoundTripTests {
    @Test("all 1,129 official R4 JSON examples", .enabled(if: SharedData.root != nil, "../shared is not beside the checkout: skipped"))
    func officialExamples() throws {
        let files = SharedData.files(in: "fhir-r4/examples/json", withExtension: "json")
        #expect(files.count == 1129)
        try assertRoundTrips(files)
    }

    @Test("all 28 Synthea transaction bundles", .enabled(if: SharedData.root != nil, "../shared is not beside the checkout: skipped"))
    func syntheaBundles() throws {
        let files = SharedData.files(in: "synthea/bundles", withExtension: "json")
        #expect(files.count == 28)
        try assertRoundTrips(files)
    }

    @Test("the committed fixtures, which need no ../shared")
    func committedFixtures() throws {
        let files = Fixtures.files(in: "examples")
        #expect(files.count >= 30)
        try assertRoundTrips(files)
    }

    private func assertRoundTrips(_ files: [URL], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        var failures: [String] = []
        for file in files {
            let input = try SharedData.bytes(of: file)
            let result = FHIRJSONReader().read(input)
            guard let resource = result.resource else {
                failures.append("\(file.lastPathComponent): \(result.issues.prefix(3).map(\.description))")
                continue
            }
            let original = try JSONValue.parse(input)
            for pretty in [false, true] {
                let written = FHIRJSONWriter(pretty: pretty).write(resource)
                let reread = try JSONValue.parse(written)
                if let difference = original.firstDifference(from: reread) {
                    failures.append("\(file.lastPathComponent) (pretty: \(pretty)): \(difference)")
                    break
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(files.count) failed:\n\(failures.prefix(40).joined(separator: "\n"))",
                sourceLocation: sourceLocation)
    }
}
