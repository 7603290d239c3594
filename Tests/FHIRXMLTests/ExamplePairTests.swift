import FHIRCore
import FHIRJSON
import FHIRXML
import Foundation
import GatewayTestSupport
import Testing

/// All 1,129 official examples come in JSON and XML. Read strictly, each XML gives the same tree
/// as its JSON twin, and both round trips (JSON → XML → JSON, XML → JSON → XML) return what went in.
@Suite("Official JSON/XML example pairs")
struct ExamplePairTests {
    /// Pairs whose two files do not hold the same data, each with why.
    static let knownDifferences: [String: String] = [
        "observation-decimal": "the two files write the same decimals differently (1E-22 against 0.0000000000000000000001)",
    ]

    static let pairs: [(name: String, json: URL, xml: URL)] = SharedData.files(in: "fhir-r4/examples/json", withExtension: "json")
        .map { json in
            let name = json.deletingPathExtension().lastPathComponent
            return (name, json, json.deletingLastPathComponent().deletingLastPathComponent()
                        .appendingPathComponent("xml").appendingPathComponent(name + ".xml"))
        }

    @Test("each XML reads strictly into the same tree as its JSON twin",
          .enabled(if: SharedData.root != nil, "../shared is not beside the checkout: skipped"))
    func xmlEqualsJSON() throws {
        #expect(Self.pairs.count == 1129)
        var failures: [String] = []
        var differing: Set<String> = []
        for pair in Self.pairs {
            let json = try #require(FHIRJSONReader().read(try SharedData.bytes(of: pair.json)).resource)
            let result = FHIRXMLReader().read(try SharedData.bytes(of: pair.xml))
            guard let xml = result.resource else {
                failures.append("\(pair.name).xml: \(result.issues.prefix(3).map(\.description))")
                continue
            }
            if let difference = json.firstDifference(from: xml, canonicalNarrative: true) {
                differing.insert(pair.name)
                if Self.knownDifferences[pair.name] == nil { failures.append("\(pair.name): \(difference)") }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failed:\n\(failures.prefix(25).joined(separator: "\n"))")
        #expect(differing.isSuperset(of: Self.knownDifferences.keys), "a known difference no longer differs: update the list")
    }

    @Test("JSON → XML → JSON and XML → JSON → XML return what went in",
          .enabled(if: SharedData.root != nil, "../shared is not beside the checkout: skipped"))
    func roundTrips() throws {
        var failures: [String] = []
        for pair in Self.pairs {
            let jsonTree = try #require(FHIRJSONReader().read(try SharedData.bytes(of: pair.json)).resource)
            for pretty in [false, true] {
                let viaXML = FHIRXMLReader().read(FHIRXMLWriter(pretty: pretty).write(jsonTree))
                if let tree = viaXML.resource, let difference = jsonTree.firstDifference(from: tree) {
                    failures.append("\(pair.name) JSON→XML→JSON: \(difference)")
                } else if viaXML.resource == nil {
                    failures.append("\(pair.name) JSON→XML→JSON: \(viaXML.issues.prefix(2).map(\.description))")
                }
            }
            guard let xmlTree = FHIRXMLReader().read(try SharedData.bytes(of: pair.xml)).resource else { continue }
            let viaJSON = FHIRJSONReader().read(FHIRJSONWriter().write(xmlTree))
            guard let jsonAgain = viaJSON.resource else {
                failures.append("\(pair.name) XML→JSON→XML: \(viaJSON.issues.prefix(2).map(\.description))")
                continue
            }
            let xmlAgain = FHIRXMLReader().read(FHIRXMLWriter().write(jsonAgain))
            if let tree = xmlAgain.resource, let difference = xmlTree.firstDifference(from: tree) {
                failures.append("\(pair.name) XML→JSON→XML: \(difference)")
            } else if xmlAgain.resource == nil {
                failures.append("\(pair.name) XML→JSON→XML: \(xmlAgain.issues.prefix(2).map(\.description))")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failed:\n\(failures.prefix(25).joined(separator: "\n"))")
    }
}
