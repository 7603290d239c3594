import FHIRCodegen
import Foundation
import GatewayTestSupport
import Testing

/// The committed search parameters are exactly what `fhir-codegen` makes today from the
/// official definitions, and the generator splits unions the way the expressions need.
@Suite("Generated search parameters are up to date")
struct GeneratedSearchParametersTests {
    @Test("R4SearchParametersText.swift matches a fresh generation",
          .enabled(if: SharedData.folder("fhir-r4/definitions") != nil, "../shared/fhir-r4/definitions is absent: skipped"))
    func searchParametersAreCurrent() throws {
        let package = try DefinitionsPackage(folder: SharedData.folder("fhir-r4/definitions")!)
        let generated = SearchParameterGenerator(package: package).swiftSource()
        let committedURL = SharedData.repositoryRoot.appendingPathComponent("Sources/FHIRSearch/Generated/R4SearchParametersText.swift")
        let committed = try String(contentsOf: committedURL, encoding: .utf8)
        #expect(generated == committed, "run: swift run fhir-codegen ../shared/fhir-r4/definitions --search-only")
        #expect(package.searchParameters.count == 1400)
    }

    @Test("a union splits only outside parentheses and string literals")
    func unionBranches() {
        #expect(SearchParameterGenerator.unionBranches("A.b | (B.c as Quantity) | C.d.where(e = 'x|y')")
            == ["A.b", "(B.c as Quantity)", "C.d.where(e = 'x|y')"])
        #expect(SearchParameterGenerator.unionBranches("(A.b | A.c).where(d) | B.e") == ["(A.b | A.c).where(d)", "B.e"])
        #expect(SearchParameterGenerator.leadingName("((Observation.value as Quantity))") == "Observation")
    }
}
