import FHIRCodegen
import Foundation
import GatewayTestSupport
import Testing

/// The committed catalogue is exactly what `fhir-codegen` makes today from the official
/// definitions: nobody edited it by hand, and nobody changed the generator without regenerating.
@Suite("Generated code is up to date")
struct GeneratedCatalogueTests {
    @Test("R4CatalogueText.swift matches a fresh generation",
          .enabled(if: SharedData.folder("fhir-r4/definitions") != nil, "../shared/fhir-r4/definitions is absent: skipped"))
    func catalogueIsCurrent() throws {
        let package = try DefinitionsPackage(folder: SharedData.folder("fhir-r4/definitions")!)
        let generated = CatalogueGenerator(package: package).swiftSource()
        let committedURL = SharedData.repositoryRoot.appendingPathComponent("Sources/FHIRCore/Generated/R4CatalogueText.swift")
        let committed = try String(contentsOf: committedURL, encoding: .utf8)
        #expect(generated == committed, "run: swift run fhir-codegen ../shared/fhir-r4/definitions")
    }
}
