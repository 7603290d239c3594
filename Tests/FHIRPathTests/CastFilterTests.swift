import FHIRPath
import Testing

/// `castsFilterCollections`: `as` over several items, as FHIR R4's search expressions use it.
@Suite("FHIRPath casts over collections")
struct CastFilterTests {
    static let observation = """
        {"resourceType": "Observation", "id": "bp", "status": "final", "code": {"text": "bp"},
         "component": [
           {"code": {"text": "systolic"}, "valueQuantity": {"value": 120, "unit": "mmHg"}},
           {"code": {"text": "note"}, "valueString": "sitting"},
           {"code": {"text": "diastolic"}, "valueQuantity": {"value": 80, "unit": "mmHg"}}]}
        """

    @Test("N1 by default: a cast of several items is an error")
    func strictByDefault() {
        #expect(throws: FHIRPathEvaluationError.self) {
            _ = try EngineTests.evaluate("Observation.component.value as Quantity", on: Self.observation)
        }
        #expect(throws: FHIRPathEvaluationError.self) {
            _ = try EngineTests.evaluate("Observation.component.value.as(Quantity)", on: Self.observation)
        }
    }

    @Test("with the option, the items of the type are kept; one item behaves as before")
    func filtersWithOption() throws {
        let environment = FHIRPathEnvironment(castsFilterCollections: true)
        for expression in ["Observation.component.value as Quantity", "Observation.component.value.as(Quantity)"] {
            #expect(try EngineTests.evaluate(expression, on: Self.observation, environment: environment).count == 2)
        }
        #expect(try EngineTests.evaluate("Observation.component.value as Period", on: Self.observation, environment: environment).isEmpty)
        #expect(try EngineTests.evaluate("Observation.component[1].value as string", on: Self.observation, environment: environment)
            == EngineTests.evaluate("Observation.component[1].value as string", on: Self.observation))
    }
}
