import GatewayStore
import Testing
@testable import FHIRSearch

/// Search URLs into store criteria, from the official R4 definitions: each parameter type,
/// modifier and prefix, chains and `_has`, result parameters, and the refusals.
@Suite("Search query parser")
struct SearchQueryParserTests {
    let parser = SearchQueryParser(baseURL: "http://gw.example/fhir", now: StoreTimestamp(microsecondsSinceEpoch: 0))

    func criteria(_ type: String, _ items: [(String, String)]) throws -> [SearchCriterion] {
        try parser.parse(type: type, items.map { (name: $0.0, value: $0.1) }).query.criteria
    }

    func refusal(_ type: String, _ name: String, _ value: String, lenient: Bool = false) -> SearchQueryError? {
        let parser = SearchQueryParser(baseURL: "http://gw.example/fhir", lenient: lenient)
        do {
            _ = try parser.parse(type: type, [(name, value)])
            return nil
        } catch {
            return error
        }
    }

    @Test func stringsAreFoldedAndModified() throws {
        #expect(try criteria("Patient", [("family", "MÜLLER")]) == [.string("family", [.startsWith("muller")])])
        #expect(try criteria("Patient", [("name:contains", "ann")]) == [.string("name", [.contains("ann")])])
        #expect(try criteria("Patient", [("family:exact", "Müller")]) == [.string("family", [.exact("Müller")])])
        // Comma is OR, repetition is AND, and an escaped comma is part of the value.
        #expect(try criteria("Patient", [("family", "a,b"), ("given", "c\\,d")]) == [
            .string("family", [.startsWith("a"), .startsWith("b")]), .string("given", [.startsWith("c,d")]),
        ])
    }

    @Test func tokensWithEverySystemFormAndModifier() throws {
        #expect(try criteria("Patient", [("gender", "female")]) == [.token("gender", [TokenMatch(system: .any, code: "female")])])
        #expect(try criteria("Patient", [("identifier", "urn:x|1,|2,urn:y|")]) == [.token("identifier", [
            TokenMatch(system: .exactly("urn:x"), code: "1"), TokenMatch(system: .none, code: "2"), TokenMatch(system: .exactly("urn:y"), code: nil),
        ])])
        #expect(try criteria("Observation", [("code:not", "http://loinc.org|1")]) == [
            .notToken("code", [TokenMatch(system: .exactly("http://loinc.org"), code: "1")]),
        ])
        #expect(try criteria("Observation", [("code:text", "Glucose")]) == [.string("code:text", [.startsWith("glucose")])])
        #expect(try criteria("Patient", [("identifier:of-type", "http://terminology.hl7.org/CodeSystem/v2-0203|MR|123")]) == [
            .token("identifier:of-type", [TokenMatch(system: .exactly("http://terminology.hl7.org/CodeSystem/v2-0203"), code: "MR|123")]),
        ])
    }

    @Test func referencesInEveryForm() throws {
        let expected = SearchCriterion.reference("subject", [.target("Patient/1")])
        #expect(try criteria("Observation", [("subject", "Patient/1")]) == [expected])
        #expect(try criteria("Observation", [("subject", "http://gw.example/fhir/Patient/1")]) == [expected])
        #expect(try criteria("Observation", [("subject:Patient", "1")]) == [expected])
        #expect(try criteria("Observation", [("patient", "1")]) == [.reference("patient", [.target("Patient/1")])])
        #expect(try criteria("Observation", [("subject", "http://elsewhere.example/fhir/Patient/1")]) == [
            .reference("subject", [.target("http://elsewhere.example/fhir/Patient/1")]),
        ])
        #expect(try criteria("Observation", [("subject:identifier", "urn:mrn|7")]) == [
            .token("subject:identifier", [TokenMatch(system: .exactly("urn:mrn"), code: "7")]),
        ])
        // A bare id on a parameter with several targets stands for each of them.
        guard case .reference(_, let matches)? = try criteria("Observation", [("subject", "1")]).first else {
            Issue.record("no reference criterion")
            return
        }
        #expect(matches.contains(.target("Patient/1")) && matches.contains(.target("Group/1")))
    }

    @Test func prefixesOnDatesNumbersAndQuantities() throws {
        guard case .date(_, let matches)? = try criteria("Observation", [("date", "ge2024-05")]).first, let match = matches.first else {
            Issue.record("no date criterion")
            return
        }
        #expect(match.prefix == .ge)
        #expect(match.low.fhirInstant == "2024-05-01T00:00:00.000000Z")
        #expect(match.high.fhirInstant == "2024-05-31T23:59:59.999999Z")
        guard case .quantity(_, let quantities)? = try criteria("Observation", [("value-quantity", "lt5.40|http://unitsofmeasure.org|mmol/L")]).first,
              let quantity = quantities.first
        else {
            Issue.record("no quantity criterion")
            return
        }
        #expect(quantity.value.prefix == .lt)
        #expect(abs(quantity.value.low - 5.395) < 1e-9 && abs(quantity.value.high - 5.405) < 1e-9)
        #expect(quantity.system == "http://unitsofmeasure.org" && quantity.code == "mmol/L")
        guard case .number(_, let numbers)? = try criteria("RiskAssessment", [("probability", "100")]).first else {
            Issue.record("no number criterion")
            return
        }
        #expect(numbers == [IntervalMatch(prefix: .eq, low: 99.5, high: 100.5)])
    }

    @Test func compositeChainAndHas() throws {
        let composite = try criteria("Observation", [("code-value-quantity", "http://loinc.org|8480-6$gt140")])
        guard case .composite(let alternatives)? = composite.first, let components = alternatives.first else {
            Issue.record("no composite criterion")
            return
        }
        #expect(components.count == 2)
        #expect(components[0] == .token("code-value-quantity$0", [TokenMatch(system: .exactly("http://loinc.org"), code: "8480-6")]))
        #expect(components[1].indexed?.table == .quantity)
        #expect(try criteria("Observation", [("subject:Patient.family", "smith")]) == [
            .reference("subject", [.chained(type: "Patient", criterion: .string("family", [.startsWith("smith")]))]),
        ])
        #expect(try criteria("Patient", [("_has:Observation:patient:code", "1234")]) == [
            .referencedBy(type: "Observation", parameter: "patient", criterion: .token("code", [TokenMatch(system: .any, code: "1234")])),
        ])
        #expect(try criteria("Patient", [("gender:missing", "true")]) == [.missing("gender", .token, true)])
    }

    @Test func resultParameters() throws {
        let parsed = try parser.parse(type: "Observation", [
            ("_sort", "-date,code"), ("_count", "0"), ("_include", "Observation:subject"), ("_revinclude:iterate", "Provenance:target"),
            ("_summary", "true"), ("_elements", "code,value"), ("_total", "accurate"),
        ])
        #expect(parsed.query.sort == [.parameter("date", .date, descending: true), .parameter("code", .token, descending: false)])
        #expect(parsed.countOnly && parsed.query.includeTotal)
        #expect(parsed.includes == [IncludeRequest(sourceType: "Observation", parameter: "subject", targetType: nil, iterate: false)])
        #expect(parsed.revincludes == [IncludeRequest(sourceType: "Provenance", parameter: "target", targetType: nil, iterate: true)])
        #expect(parsed.elements == ["code", "value"])
        #expect(parsed.applied.map(\.name) == ["_sort", "_count", "_include", "_revinclude:iterate", "_summary", "_elements", "_total"])
    }

    @Test func whatCannotBeAppliedIsRefusedUnlessLenient() throws {
        #expect(refusal("Patient", "xyz", "1")?.isUnsupported == true)
        #expect(refusal("Patient", "family:below", "a")?.isUnsupported == true)
        #expect(refusal("Patient", "_text", "a")?.isUnsupported == true)
        #expect(refusal("Observation", "subject.organization.name", "a")?.isUnsupported == true)
        #expect(refusal("Observation", "date", "yesterday")?.isUnsupported == false)
        #expect(refusal("Patient", "_count", "-1") != nil)
        #expect(refusal("Patient", "_include", "Observation:subject") != nil)
        #expect(refusal("Patient", "_elements", "nosuch") != nil)
        // A refusal names the parameter, never the value.
        #expect(refusal("Observation", "date", "secret-value")?.message.contains("secret-value") == false)
        let lenient = SearchQueryParser(baseURL: "http://gw.example/fhir", lenient: true)
        let parsed = try lenient.parse(type: "Patient", [("xyz", "1"), ("gender", "female")])
        #expect(parsed.ignored.map(\.name) == ["xyz"])
        #expect(parsed.applied.map(\.name) == ["gender", "_count"])
        // A malformed value is an error even when lenient.
        #expect(throws: SearchQueryError.self) { try lenient.parse(type: "Patient", [("birthdate", "not-a-date")]) }
    }
}
