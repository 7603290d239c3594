import FHIRCore
import FHIRSearch
import GatewayStore
import Testing

/// The indexer's rows for each value type and each convention of `GatewayStore.SearchIndex`.
@Suite("Search indexer")
struct SearchIndexerTests {
    @Test("every R4 expression compiles into the indexer")
    func allCompiled() {
        #expect(SearchIndexer.r4.uncompiled.isEmpty, "\(SearchIndexer.r4.uncompiled)")
        let names = SearchIndexer.r4.parameterNames(of: "Patient")
        #expect(names.contains("name") && !names.contains("_id") && !names.contains("_lastUpdated") && !names.contains("_text"))
    }

    @Test("HumanName: every part its own row, case and accents folded; Address parts; family alone")
    func patientNames() throws {
        let index = try IndexFixtures.index("""
            {"resourceType":"Patient","id":"p1","active":true,"gender":"female","birthDate":"1974-12",
             "name":[{"use":"official","family":"Müller-Ösçar","given":["Anna","Zoë"],"prefix":["Dr"],"suffix":["PhD"],"text":"Dr Anna Zoë Müller-Ösçar PhD"}],
             "address":[{"line":["12 Rue de l'Église","Bât. B"],"city":"Genève","state":"GE","postalCode":"1204","country":"CH"}],
             "telecom":[{"system":"phone","value":"+41 22 000 00 00"},{"system":"email","value":"anna@example.org"}]}
            """)
        #expect(Set(index.strings("name")) == ["muller-oscar", "anna", "zoe", "dr", "phd", "dr anna zoe muller-oscar phd"])
        #expect(index.strings("family") == ["muller-oscar"])
        #expect(index.strings.first { $0.parameter == "family" }?.exact == "Müller-Ösçar")
        #expect(Set(index.strings("given")) == ["anna", "zoe"])
        #expect(Set(index.strings("address")) == ["12 rue de l'eglise", "bat. b", "geneve", "ge", "1204", "ch"])
        #expect(index.strings("address-city") == ["geneve"])
        #expect(index.tokens("gender").map(\.code) == ["female"])
        #expect(index.tokens("active").map(\.code) == ["true"])
        #expect(index.tokens("email").map { "\($0.system ?? "-")|\($0.code)" } == ["email|anna@example.org"])
        #expect(index.tokens("telecom").count == 2)
        let birth = try #require(index.dates("birthdate").first)
        #expect(birth.low == IndexFixtures.instant("1974-12-01T00:00:00Z"))
        #expect(birth.high.fhirInstant == "1974-12-31T23:59:59.999999Z")
        #expect(SearchText.normalized("MÜLLER") == "muller" && SearchText.normalized("plain") == "plain")
    }

    @Test("CodeableConcept: each coding a token, text and displays as code:text; Identifier with of-type")
    func codesAndIdentifiers() throws {
        let index = try IndexFixtures.index("""
            {"resourceType":"Observation","id":"o1","status":"final",
             "identifier":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"FILL"}]},"system":"urn:oid:1.2.3","value":"A-17"}],
             "code":{"coding":[{"system":"http://loinc.org","code":"44249-1","display":"PHQ-9 quick depression assessment panel"},{"code":"local-9"}],"text":"PHQ-9 Résumé"},
             "subject":{"reference":"Patient/p1"},
             "effectiveDateTime":"2024-05-01T10:00:00+02:00",
             "valueQuantity":{"value":5.40,"unit":"score","system":"http://unitsofmeasure.org","code":"{score}"}}
            """)
        let codes = index.tokens("code").map { "\($0.system ?? "")|\($0.code)" }
        #expect(codes == ["http://loinc.org|44249-1", "|local-9"])
        #expect(Set(index.strings("code:text")) == ["phq-9 quick depression assessment panel", "phq-9 resume"])
        #expect(index.tokens("identifier").map { "\($0.system ?? "")|\($0.code)" } == ["urn:oid:1.2.3|A-17"])
        let ofType = try #require(index.tokens("identifier:of-type").first)
        #expect(ofType.system == "http://terminology.hl7.org/CodeSystem/v2-0203" && ofType.code == "FILL|A-17")
        #expect(index.tokens("status").map(\.code) == ["final"])
        let date = try #require(index.dates("date").first)
        #expect(date.low.fhirInstant == "2024-05-01T08:00:00.000000Z" && date.high.fhirInstant == "2024-05-01T08:00:00.999999Z")
        let quantity = try #require(index.quantities.first { $0.parameter == "value-quantity" })
        #expect(quantity.system == "http://unitsofmeasure.org" && quantity.code == "{score}")
        #expect(abs(quantity.low - 5.395) < 1e-9 && abs(quantity.high - 5.405) < 1e-9)
        #expect(index.references("subject") == ["Patient/p1"])
        #expect(index.references("patient") == ["Patient/p1"])
    }

    @Test("composite code-value-quantity: the components of one value share a group, another value another group")
    func composites() throws {
        let index = try IndexFixtures.index("""
            {"resourceType":"Observation","id":"bp","status":"final",
             "code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},
             "component":[
               {"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":120,"unit":"mmHg","system":"http://unitsofmeasure.org","code":"mm[Hg]"}},
               {"code":{"coding":[{"system":"http://loinc.org","code":"8462-4"}]},"valueQuantity":{"value":80,"unit":"mmHg","system":"http://unitsofmeasure.org","code":"mm[Hg]"}},
               {"code":{"coding":[{"system":"http://loinc.org","code":"9999-9"}]}}]}
            """)
        let codes = index.tokens("component-code-value-quantity$0")
        let values = index.quantities.filter { $0.parameter == "component-code-value-quantity$1" }
        #expect(codes.map(\.code) == ["8480-6", "8462-4"])
        #expect(codes.map(\.group) == [1, 2])
        #expect(values.map(\.group) == [1, 2])
        #expect(values.map(\.low) == [119.5, 79.5])
        // The Observation's own code has no value: no group for code-value-quantity.
        #expect(index.tokens("code-value-quantity$0").isEmpty)
        // Other parameters' rows are group 0; the component without a value gets no composite group.
        #expect(index.tokens("component-code").allSatisfy { $0.group == 0 } && index.tokens("component-code").count == 3)
        #expect(index.tokens("combo-code-value-quantity$0").map(\.group) == [1, 2])
    }

    @Test("Period with an open end runs to distantFuture; without a start from distantPast; Timing events and bounds")
    func periodsAndTiming() throws {
        let encounter = try IndexFixtures.index("""
            {"resourceType":"Encounter","id":"e1","status":"in-progress","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},
             "period":{"start":"2024-05-01"}}
            """)
        let date = try #require(encounter.dates("date").first)
        #expect(date.low == IndexFixtures.instant("2024-05-01") && date.high == .distantFuture)
        #expect(StoreTimestamp.distantFuture.fhirInstant == "9999-12-31T23:59:59.999999Z")
        #expect(StoreTimestamp.distantPast.fhirInstant == "0001-01-01T00:00:00.000000Z")
        let care = try IndexFixtures.index("""
            {"resourceType":"CarePlan","id":"c1","status":"active","intent":"plan","subject":{"reference":"Patient/p1"},
             "period":{"end":"2024-06-30"},
             "activity":[{"detail":{"status":"scheduled","scheduledTiming":{"event":["2024-05-06T17:00:00Z"],
               "repeat":{"boundsPeriod":{"start":"2024-05-01","end":"2024-06-30"},"frequency":3,"period":1,"periodUnit":"wk"}}}}]}
            """)
        let period = try #require(care.dates("date").first)
        #expect(period.low == .distantPast && period.high.fhirInstant == "2024-06-30T23:59:59.999999Z")
        let activity = care.dates("activity-date")
        #expect(activity.count == 2)
        #expect(activity[0].low.fhirInstant == "2024-05-06T17:00:00.000000Z")
        #expect(activity[1].low == IndexFixtures.instant("2024-05-01") && activity[1].high.fhirInstant == "2024-06-30T23:59:59.999999Z")
    }

    @Test("reference forms: relative, versioned, absolute, urn, contained, identifier; canonical as its URL")
    func references() throws {
        let index = try IndexFixtures.index("""
            {"resourceType":"Observation","id":"o2","status":"final","code":{"text":"x"},
             "contained":[{"resourceType":"Device","id":"d1"}],
             "subject":{"reference":"http://other.example/fhir/Patient/p9/_history/3"},
             "basedOn":[{"reference":"ServiceRequest/s1/_history/2"},{"reference":"urn:uuid:7f0f5c44-0c3e-4a4c-9d4f-1c2b0f7e1a11"}],
             "device":{"reference":"#d1"},
             "performer":[{"identifier":{"system":"http://hl7.org/fhir/sid/us-npi","value":"1234567893"}},{"reference":"https://iop.example/fhir/Practitioner/pr1"}]}
            """)
        #expect(index.references("subject") == ["http://other.example/fhir/Patient/p9/_history/3"])
        // resolve() works from the text: the absolute URL names a Patient.
        #expect(index.references("patient") == ["http://other.example/fhir/Patient/p9/_history/3"])
        #expect(index.references("based-on") == ["ServiceRequest/s1", "urn:uuid:7f0f5c44-0c3e-4a4c-9d4f-1c2b0f7e1a11"])
        #expect(index.references("device").isEmpty)
        let npi = try #require(index.tokens("performer:identifier").first)
        #expect(npi.system == "http://hl7.org/fhir/sid/us-npi" && npi.code == "1234567893")
        #expect(index.references("performer") == ["https://iop.example/fhir/Practitioner/pr1"])
        let local = SearchIndexer(localBases: ["https://iop.example/fhir/"])
        #expect(local.index(try IndexFixtures.resource("""
            {"resourceType":"Observation","id":"o3","status":"final","code":{"text":"x"},
             "performer":[{"reference":"https://iop.example/fhir/Practitioner/pr1"}]}
            """)).references("performer") == ["Practitioner/pr1"])
        #expect(SearchReference.indexTarget("Patient/1/_history/2") == "Patient/1")
        #expect(SearchReference.indexTarget("#x") == nil)

        let group = try IndexFixtures.index("""
            {"resourceType":"Observation","id":"o4","status":"final","code":{"text":"x"},"subject":{"reference":"Group/g1"}}
            """)
        #expect(group.references("subject") == ["Group/g1"] && group.references("patient").isEmpty)

        let questionnaire = try IndexFixtures.index("""
            {"resourceType":"QuestionnaireResponse","id":"q1","status":"completed",
             "questionnaire":"http://example.org/Questionnaire/phq-9|2.0","subject":{"reference":"Patient/p1"}}
            """)
        #expect(questionnaire.references("questionnaire") == ["http://example.org/Questionnaire/phq-9|2.0"])
        #expect(questionnaire.references("patient") == ["Patient/p1"])
    }

    @Test("meta: _tag and _security tokens, _profile and _source uris; numbers by precision; Range and Money quantities")
    func metaNumbersAndQuantities() throws {
        let index = try IndexFixtures.index("""
            {"resourceType":"RiskAssessment","id":"r1","status":"final","subject":{"reference":"Patient/p1"},
             "meta":{"source":"https://ehr.example/x","profile":["http://hl7.org/fhir/StructureDefinition/riskassessment"],
                     "security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"PSY"}],"tag":[{"code":"iop"}]},
             "prediction":[{"probabilityDecimal":0.25},{"probabilityRange":{"low":{"value":10},"high":{"value":20}}}]}
            """)
        #expect(index.tokens("_security").map(\.code) == ["PSY"])
        #expect(index.tokens("_tag").map(\.code) == ["iop"])
        #expect(index.uris.filter { $0.parameter == "_source" }.map(\.value) == ["https://ehr.example/x"])
        #expect(index.uris.filter { $0.parameter == "_profile" }.count == 1)
        let numbers = index.numbers.filter { $0.parameter == "probability" }
        #expect(numbers.count == 2)
        #expect(abs(numbers[0].low - 0.245) < 1e-12 && abs(numbers[0].high - 0.255) < 1e-12)
        #expect(numbers[1].low == 9.5 && numbers[1].high == 20.5)

        let claim = try IndexFixtures.index("""
            {"resourceType":"ChargeItem","id":"ch1","status":"billable","code":{"text":"x"},"subject":{"reference":"Patient/p1"},
             "priceOverride":{"value":12.5,"currency":"USD"}}
            """)
        let price = try #require(claim.quantities.first { $0.parameter == "price-override" })
        #expect(price.code == "USD" && price.system == "urn:iso:std:iso:4217" && price.low == 12.45)
    }

    @Test("an expression that fails on a resource records nothing for it and the rest is indexed")
    func failingExpression() throws {
        // `single()` on two given names is an evaluation error (N1 §5.3.8), not an empty result.
        let text = """
            P\tPatient\tbroken\thttp://example.org/broken\tstring\tPatient.name.given.single()\t-\t-\t-
            P\tPatient\tfamily\thttp://example.org/family\tstring\tPatient.name.family\t-\t-\t-
            """
        let indexer = SearchIndexer(catalogue: try SearchParameterCatalogue(text: text))
        var failed: [String] = []
        let index = indexer.index(try IndexFixtures.resource("""
            {"resourceType":"Patient","id":"p3","name":[{"family":"Lee","given":["Ana","Bo"]}]}
            """), failedParameters: &failed)
        #expect(failed == ["broken"])
        #expect(index.strings("family") == ["lee"] && index.strings("broken").isEmpty)
        // One given name: no failure.
        failed = []
        _ = indexer.index(try IndexFixtures.resource("""
            {"resourceType":"Patient","id":"p4","name":[{"family":"Lee","given":["Ana"]}]}
            """), failedParameters: &failed)
        #expect(failed.isEmpty)
        #expect(SearchIndexer.r4.index(FHIRElement.resource("NotAType", children: [])) == .empty)
        let deceased = try IndexFixtures.index("""
            {"resourceType":"Patient","id":"p2","deceasedBoolean":true}
            """)
        #expect(deceased.tokens("deceased").map(\.code) == ["true"])
    }
}
