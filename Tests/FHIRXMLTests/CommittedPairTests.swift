import FHIRCore
import FHIRJSON
import FHIRXML
import Foundation
import GatewayTestSupport
import Testing

/// The committed example pairs, so the XML codec is checked on every machine, with or without
/// `../shared`: each XML reads strictly into its JSON twin's tree, and both round trips hold.
@Suite("Committed JSON/XML example pairs")
struct CommittedPairTests {
    static let folder = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/examples")

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".xml") }.map { String($0.dropLast(4)) }.sorted()
    }

    static let knownDifferences: Set<String> = ["observation-decimal"]

    @Test("the fixtures are there")
    func present() {
        #expect(Self.names.count >= 30)
    }

    @Test("XML reads into the JSON twin's tree; both round trips return what went in", arguments: names)
    func pair(_ name: String) throws {
        let json = try #require(FHIRJSONReader().read(try bytes(name + ".json")).resource)
        let xmlResult = FHIRXMLReader().read(try bytes(name + ".xml"))
        let xml = try #require(xmlResult.resource, "\(xmlResult.issues.map(\.description))")
        if !Self.knownDifferences.contains(name) {
            #expect(json.firstDifference(from: xml, canonicalNarrative: true) == nil)
        }
        let viaXML = try #require(FHIRXMLReader().read(FHIRXMLWriter(pretty: true).write(json)).resource)
        #expect(json.firstDifference(from: viaXML) == nil)
        let viaJSON = try #require(FHIRJSONReader().read(FHIRJSONWriter().write(xml)).resource)
        let backToXML = try #require(FHIRXMLReader().read(FHIRXMLWriter().write(viaJSON)).resource)
        #expect(xml.firstDifference(from: backToXML) == nil)
    }

    private func bytes(_ file: String) throws -> [UInt8] {
        Array(try Data(contentsOf: Self.folder.appendingPathComponent(file)))
    }
}
