import FHIRCore
import FHIRJSON
import FHIRXML
import Foundation
import GatewayTestSupport
import Testing

/// An outside judge of what the writer emits: every XML it writes for the official examples
/// validates against the official R4 schema (`fhir-single.xsd`) with libxml2's `xmllint`.
/// Runs where `xmllint` (Debian's libxml2-utils, installed by `.ci/run`) and `../shared` are.
@Suite("Emitted XML against the official R4 schema")
struct SchemaValidationTests {
    static let xmllint: String? = ["/usr/bin/xmllint", "/usr/local/bin/xmllint"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    static let schema = SharedData.folder("fhir-r4/schemas")?.appendingPathComponent("fhir-single.xsd")

    @Test("the writer's XML for all 1,129 examples validates against fhir-single.xsd",
          .enabled(if: xmllint != nil && schema != nil, "xmllint or ../shared/fhir-r4/schemas is absent: skipped"))
    func examplesValidate() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fhir-xsd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        var written: [String] = []
        for (index, file) in SharedData.files(in: "fhir-r4/examples/json", withExtension: "json").enumerated() {
            let tree = try #require(FHIRJSONReader().read(try SharedData.bytes(of: file)).resource)
            let path = folder.appendingPathComponent(file.deletingPathExtension().lastPathComponent + ".xml").path
            // Half compact, half pretty, so both forms meet the schema.
            try Data(FHIRXMLWriter(pretty: index % 2 == 1).write(tree)).write(to: URL(fileURLWithPath: path))
            written.append(path)
        }
        #expect(written.count == 1129)

        // One xmllint per batch: loading the schema is most of the cost of a run.
        var failures: [String] = []
        for batch in stride(from: 0, to: written.count, by: 200).map({ Array(written[$0..<min($0 + 200, written.count)]) }) {
            let (status, output) = try run(Self.xmllint!, ["--noout", "--nonet", "--schema", Self.schema!.path] + batch)
            if status != 0 {
                failures += output.split(separator: "\n").filter { !$0.hasSuffix(" validates") }.map(String.init)
            }
        }
        #expect(failures.isEmpty, "\(failures.count) lines from xmllint:\n\(failures.prefix(30).joined(separator: "\n"))")
    }

    private func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
        let outcome = try ExternalProgram(path: executable).runToEnd(arguments)
        return (outcome.status, outcome.output)
    }
}
