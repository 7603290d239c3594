import FHIRCore
@testable import FHIRSearch
import Testing

/// Which expressions the indexer may skip when the resource lacks their first element.
@Suite("Leading elements of plain paths")
struct LeadingElementsTests {
    func names(_ expression: String, _ type: String = "Observation") -> [String]? {
        LeadingElements(expression, resourceType: type, types: .r4)?.elements.map(\.name)
    }

    @Test("plain paths, casts, where() and unions qualify; anything that can turn nothing into something does not")
    func shapes() {
        #expect(names("Observation.code") == ["code"])
        #expect(names("(Observation.value as Quantity) | (Observation.component.value as Quantity)") == ["value", "component"])
        #expect(names("Observation.subject.where(resolve() is Patient)") == ["subject"])
        #expect(names("Resource.meta.tag") == ["meta"])
        #expect(names("Patient.telecom.where(system='email')", "Patient") == ["telecom"])
        #expect(names("Patient.deceased.exists() and Patient.deceased != false", "Patient") == nil)
        #expect(names("Observation.code.exists()") == nil)
        #expect(names("name | alias", "InsurancePlan") == nil)
        #expect(names("Observation | Observation.component") == nil)
        #expect(names("Observation.where(code = 'x')") == nil)
    }

    @Test("a choice element is present under any of its typed names")
    func choices() throws {
        let leading = try #require(LeadingElements("(Observation.value as Quantity)", resourceType: "Observation", types: .r4))
        #expect(leading.elements.first?.isChoice == true)
        #expect(leading.present(in: [FHIRElement(name: "valueQuantity")]))
        #expect(!leading.present(in: [FHIRElement(name: "code")]))
        let code = try #require(LeadingElements("Observation.code", resourceType: "Observation", types: .r4))
        #expect(code.elements.first?.isChoice == false && !code.present(in: [FHIRElement(name: "codeX")]))
    }
}
