import FHIRCore
import FHIRPath
@testable import FHIRSearch
import Foundation
import Testing

/// The generated catalogue: every R4 resource type with its parameters, each expression valid FHIRPath.
@Suite("Search parameter catalogue")
struct SearchParameterCatalogueTests {
    let catalogue = SearchParameterCatalogue.r4

    @Test("every concrete R4 resource type has the Resource parameters")
    func everyTypeHasResourceParameters() {
        let resourceTypes = TypeCatalogue.r4.types.values
            .filter { if case .resource = $0.kind { !$0.isAbstract } else { false } }.map(\.name).sorted()
        #expect(resourceTypes.count == 146)
        #expect(catalogue.resourceTypes == resourceTypes)
        for type in resourceTypes {
            for name in ["_id", "_lastUpdated", "_tag", "_profile", "_security", "_source"] {
                #expect(catalogue.parameter(name, of: type) != nil, "\(type) lacks \(name)")
            }
        }
        // DomainResource's `_text` applies to every type but the three plain Resources.
        for type in ["Bundle", "Binary", "Parameters"] { #expect(catalogue.parameter("_text", of: type) == nil) }
        #expect(catalogue.parameter("_text", of: "Patient") != nil)
    }

    @Test("counts of (type, parameter) pairs, by parameter type")
    func counts() {
        var byType: [SearchParameterType: Int] = [:]
        for type in catalogue.resourceTypes {
            for parameter in catalogue.parameters(of: type) { byType[parameter.type, default: 0] += 1 }
        }
        print("search parameters: \(catalogue.count) (type, parameter) pairs;",
              byType.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", "))
        #expect(catalogue.count == 3154)
        #expect(byType[.composite] == 72)
    }

    @Test("every expression and composite component compiles")
    func expressionsCompile() {
        var failures: [String] = []
        var compiled = 0
        for type in catalogue.resourceTypes {
            for parameter in catalogue.parameters(of: type) {
                for text in [parameter.expression].compactMap({ $0 }) + parameter.components.map(\.expression) {
                    do {
                        _ = try FHIRPathExpression(text)
                        compiled += 1
                    } catch {
                        failures.append("\(type).\(parameter.name): \(error)")
                    }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) do not compile: \(failures.prefix(5))")
        #expect(compiled > 2700)
    }

    @Test("a multi-base expression keeps only its type's branches")
    func restrictedExpressions() throws {
        let patient = try #require(catalogue.parameter("patient", of: "Observation"))
        #expect(patient.expression == "Observation.subject.where(resolve() is Patient)")
        #expect(patient.targets == ["Patient", "Group"])
        #expect(catalogue.parameter("value-quantity", of: "Observation")?.expression
            == "(Observation.value as Quantity) | (Observation.value as SampledData)")
        let name = try #require(catalogue.parameter("name", of: "InsurancePlan"))
        #expect(name.expression == "name | alias")
        let composite = try #require(catalogue.parameter("code-value-quantity", of: "Observation"))
        #expect(composite.type == .composite)
        #expect(composite.components.map(\.expression) == ["code", "value.as(Quantity)"])
        let code = try #require(catalogue.definition(url: composite.components[0].definition, for: "Observation"))
        #expect(code.expression == "Observation.code" && code.type == .token)
        #expect(catalogue.parameter("birthdate", of: "Patient")?.comparators.contains("ap") == true)
        #expect(catalogue.parameter("nonsense", of: "Patient") == nil)
        #expect(catalogue.parameters(of: "Nonsense").isEmpty)
    }

    @Test("the catalogue loads fast")
    func loadTime() throws {
        let start = ContinuousClock.now
        _ = try SearchParameterCatalogue(text: SearchParameterCatalogue.r4Text)
        let elapsed = ContinuousClock.now - start
        print("search parameter catalogue parsed in \(elapsed)")
        #expect(elapsed < .seconds(2))
    }
}
