import FHIRCore
import FHIRJSON
import FHIRValidation
import FHIRXML
import Foundation
import GatewayTestSupport
import Testing

/// A conformance survey over data nobody here wrote: the 230 examples of HL7 US Core 9.0.0 (the
/// shapes US EHRs send) and the 28 Synthea patient bundles. Each passes `fhir-gateway validate`
/// against base R4 (`DocumentValidator`, strict read) with no error, except the genuine errors
/// listed below with their reason, and each goes JSON → XML → JSON unchanged.
@Suite("Real-data conformance survey (US Core examples, Synthea bundles)")
struct RealDataSurveyTests {
    /// US Core examples that truly break a base R4 rule: the FHIRPath of every error the file
    /// has, and why the error is the data's and not ours.
    static let knownUSCoreErrors: [String: (expressions: [String], reason: String)] = [
        "diagnosticreport-cbc.json": (
            ["DiagnosticReport.text.div"],
            "the example's narrative is {\"status\": \"generated\"} with no div; Narrative.div is 1..1 in R4 "
                + "(narrative.html §2.4). The guide's source file leaves the narrative to the IG publisher, which "
                + "generates the div when it builds the guide"),
    ]

    static let usCoreFiles = SharedData.files(in: "us-core/examples", withExtension: "json")
    static let syntheaFiles = SharedData.files(in: "synthea/bundles", withExtension: "json")

    @Test("every US Core 9.0.0 example validates against base R4, but for the known errors named with their reason",
          .enabled(if: SharedData.folder("us-core/examples") != nil, "../shared/us-core/examples is absent: skipped"))
    func usCoreValidates() async throws {
        // One corpus-sized test at a time (HeavyTestGate): the delivery tests beside it keep their timing.
        try await HeavyTestGate.shared.run { [self] in try self.usCoreValidatesAlone() }
    }

    func usCoreValidatesAlone() throws {
        #expect(Self.usCoreFiles.count == 230)
        var failures: [String] = []
        var valid = 0
        var withUnknownCoreExtensions = 0
        var stillBroken: Set<String> = []
        for file in Self.usCoreFiles {
            let (name, outcome, errors) = try Self.validate(file)
            if outcome.issues.contains(where: { $0.severity == .warning && $0.message.contains("R4 defines no such extension") }) {
                withUnknownCoreExtensions += 1
            }
            guard let known = Self.knownUSCoreErrors[name] else {
                if errors.isEmpty { valid += 1 } else { failures.append("\(name): \(errors.prefix(3).map(\.description))") }
                continue
            }
            if !errors.isEmpty { stillBroken.insert(name) }
            let unexpected = errors.filter { !known.expressions.contains($0.expression ?? "") }
            if !unexpected.isEmpty { failures.append("\(name): \(unexpected.prefix(3).map(\.description))") }
        }
        print("\(valid) of \(Self.usCoreFiles.count) US Core examples validate against base R4; "
              + "\(stillBroken.count) \(stillBroken.count == 1 ? "has" : "have") the known errors (\(stillBroken.sorted().joined(separator: ", "))); "
              + "\(withUnknownCoreExtensions) carry extensions of HL7's extensions pack (warnings)")
        #expect(failures.isEmpty, "\(failures.count) failed:\n\(failures.prefix(25).joined(separator: "\n"))")
        #expect(stillBroken == Set(Self.knownUSCoreErrors.keys), "a known error no longer occurs: update the list")
        #expect(valid + stillBroken.count == Self.usCoreFiles.count)
    }

    @Test("every Synthea bundle, and every resource in it on its own, validates against base R4",
          .enabled(if: SharedData.folder("synthea/bundles") != nil, "../shared/synthea/bundles is absent: skipped"))
    func syntheaValidates() async throws {
        // One corpus-sized test at a time (HeavyTestGate): the delivery tests beside it keep their timing.
        try await HeavyTestGate.shared.run { [self] in try self.syntheaValidatesAlone() }
    }

    func syntheaValidatesAlone() throws {
        #expect(Self.syntheaFiles.count == 28)
        let resourceValidator = FHIRValidator()
        var failures: [String] = []
        var failingBundles: Set<String> = []
        var resources = 0
        var types: Set<String> = []
        for file in Self.syntheaFiles {
            let (name, outcome, errors) = try Self.validate(file)
            if !errors.isEmpty {
                failures.append("\(name): \(errors.prefix(3).map(\.description))")
                failingBundles.insert(name)
            }
            guard let bundle = outcome.resource else { continue }
            for (index, entry) in bundle.children("entry").enumerated() {
                guard let resource = entry.child("resource") else { continue }
                resources += 1
                types.insert(resource.resourceType ?? "")
                let alone = FHIRElement.resource(resource.resourceType ?? "", children: resource.children)
                let entryErrors = resourceValidator.validate(alone).filter(\.isError)
                if !entryErrors.isEmpty {
                    failures.append("\(name) entry[\(index)] on its own: \(entryErrors.prefix(3).map(\.description))")
                    failingBundles.insert(name)
                }
            }
        }
        print("\(Self.syntheaFiles.count - failingBundles.count) of "
              + "\(Self.syntheaFiles.count) Synthea bundles validate; \(resources) resources of \(types.count) types, "
              + "each also on its own")
        #expect(failures.isEmpty, "\(failures.count) failed:\n\(failures.prefix(25).joined(separator: "\n"))")
    }

    @Test("JSON → XML → JSON returns every US Core example and every Synthea bundle unchanged",
          .enabled(if: SharedData.folder("us-core/examples") != nil && SharedData.folder("synthea/bundles") != nil,
                   "../shared/us-core/examples or ../shared/synthea/bundles is absent: skipped"))
    func roundTrips() async throws {
        // One corpus-sized test at a time (HeavyTestGate): the delivery tests beside it keep their timing.
        try await HeavyTestGate.shared.run { [self] in try self.roundTripsAlone() }
    }

    func roundTripsAlone() throws {
        var failures: [String] = []
        for file in Self.usCoreFiles + Self.syntheaFiles {
            // The known invalid examples convert in lenient mode, as `convert --lenient` does.
            let mode: ReadMode = Self.knownUSCoreErrors[file.lastPathComponent] == nil ? .strict : .lenient
            if let failure = try Self.roundTripFailure(try SharedData.bytes(of: file), mode: mode) {
                failures.append("\(file.lastPathComponent): \(failure)")
            }
        }
        print("\(Self.usCoreFiles.count + Self.syntheaFiles.count - failures.count) of "
              + "\(Self.usCoreFiles.count + Self.syntheaFiles.count) files go JSON → XML → JSON unchanged")
        #expect(failures.isEmpty, "\(failures.count) failed:\n\(failures.prefix(25).joined(separator: "\n"))")
    }

    /// A file as `fhir-gateway validate` sees it: strict read, base R4.
    static func validate(_ file: URL) throws -> (name: String, outcome: DocumentValidator.Outcome, errors: [FHIRCore.Issue]) {
        let outcome = DocumentValidator().validate(try SharedData.bytes(of: file))
        return (file.lastPathComponent, outcome, outcome.issues.filter(\.isError))
    }

    /// What went wrong between the JSON read, the XML written and read back, and the JSON
    /// written from that, compared with the input by an independent JSON reader; `nil` when the
    /// output is the input.
    static func roundTripFailure(_ input: [UInt8], mode: ReadMode) throws -> String? {
        let read = FHIRJSONReader(mode: mode).read(input)
        guard let tree = read.resource else { return "JSON read: \(read.issues.prefix(3).map(\.description))" }
        let xml = FHIRXMLWriter(pretty: true).write(tree)
        let back = FHIRXMLReader(mode: mode).read(xml)
        guard let treeAgain = back.resource else { return "XML read: \(back.issues.prefix(3).map(\.description))" }
        if let difference = tree.firstDifference(from: treeAgain) { return "tree after XML: \(difference)" }
        let output = FHIRJSONWriter().write(treeAgain)
        return try JSONValue.parse(input).firstDifference(from: JSONValue.parse(output))
    }
}
