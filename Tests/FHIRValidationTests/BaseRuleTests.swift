import FHIRCore
import FHIRJSON
import FHIRValidation
import Testing

/// One test per base R4 rule the validator enforces, each on the smallest resource that breaks it,
/// asserting the FHIRPath the finding names.
@Suite("Base R4 rules")
struct BaseRuleTests {
    let validator = FHIRValidator()

    private func findings(_ json: String) throws -> [FHIRCore.Issue] {
        let read = FHIRJSONReader().read(Array(json.utf8))
        return validator.validate(try #require(read.resource, "\(read.issues)"))
    }

    private func errors(_ json: String) throws -> [FHIRCore.Issue] {
        try findings(json).filter(\.isError)
    }

    @Test("dom-3: a contained resource nobody refers to is an error; referred to, or referring back, it is not")
    func containedMustBeReferenced() throws {
        let orphan = #"{"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"o1","name":"x"}]}"#
        #expect(try errors(orphan).map(\.expression) == ["Patient.contained[0]"])
        #expect(try errors(orphan).first?.message.hasPrefix("dom-3") == true)
        let referred = ##"{"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"o1","name":"x"}],"managingOrganization":{"reference":"#o1"}}"##
        #expect(try errors(referred).isEmpty)
        let back = ##"{"resourceType":"Patient","contained":[{"resourceType":"Provenance","id":"p","target":[{"reference":"#"}],"recorded":"2026-01-01T00:00:00Z","agent":[{"who":{"display":"x"}}]}]}"##
        #expect(try errors(back).isEmpty)
    }

    @Test("a required binding: a gender that is not an administrative-gender code")
    func requiredBinding() throws {
        let found = try errors(#"{"resourceType":"Patient","gender":"woman"}"#)
        #expect(found.map(\.expression) == ["Patient.gender"])
        #expect(found.first?.code == .codeInvalid)
        #expect(found.first?.message.contains("woman") == false, "no value in messages")
    }

    @Test("an extensible binding missed is a warning, not an error")
    func extensibleBinding() throws {
        let all = try findings(#"{"resourceType":"Consent","status":"active","scope":{"text":"x"},"category":[{"text":"y"}],"policyRule":{"coding":[{"system":"http://example.org/p","code":"z"}]}}"#)
        #expect(all.contains { $0.severity == .warning && $0.expression == "Consent.policyRule" })
        #expect(!all.contains { $0.isError && $0.expression == "Consent.policyRule" })
    }

    @Test("a reference to a resource type the element does not allow")
    func referenceTarget() throws {
        let found = try errors(#"{"resourceType":"Patient","managingOrganization":{"reference":"Practitioner/1"}}"#)
        #expect(found.map(\.expression) == ["Patient.managingOrganization.reference"])
    }

    @Test("an invariant of a data type: per-1, a Period that ends before it starts")
    func dataTypeInvariant() throws {
        let found = try errors(#"{"resourceType":"Patient","name":[{"family":"x","period":{"start":"2026-02-01","end":"2026-01-01"}}]}"#)
        #expect(found.map(\.expression) == ["Patient.name[0].period"])
        #expect(found.first?.message.hasPrefix("per-1") == true)
    }

    @Test("ext-1: an extension with both a value and extensions")
    func extensionInvariant() throws {
        let found = try errors(#"{"resourceType":"Patient","extension":[{"url":"http://example.org/e","valueString":"a","extension":[{"url":"b","valueString":"c"}]}]}"#)
        #expect(found.contains { $0.expression == "Patient.extension[0]" && $0.message.hasPrefix("ext-1") })
    }

    @Test("a narrative from JSON with a script is refused as XHTML")
    func narrative() throws {
        let found = try errors(#"{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><script>x()</script></div>"}}"#)
        #expect(found.map(\.expression) == ["Patient.text.div"])
        #expect(found.first?.code == .security)
    }

    @Test("trees built in code are checked too: cardinality, choice exclusivity, formats, ele-1")
    func treesBuiltInCode() {
        let patient = FHIRElement.resource("Patient", children: [
            FHIRElement(name: "birthDate", value: "2026-02-30", form: .primitive),
            FHIRElement(name: "birthDate", value: "2026-01-01", form: .primitive),
            FHIRElement(name: "deceasedBoolean", value: "true", form: [.primitive, .boolean]),
            FHIRElement(name: "deceasedDateTime", value: "2026", form: .primitive),
            FHIRElement(name: "maritalStatus", children: [FHIRElement(name: "id", value: "m", form: .primitive)]),
        ])
        let found = validator.validate(patient).filter(\.isError)
        #expect(found.contains { $0.expression == "Patient.birthDate" && $0.code == .value })
        #expect(found.contains { $0.message.contains("at most once") })
        #expect(found.contains { $0.message.contains("deceased[x]") })
        #expect(found.contains { $0.expression == "Patient.maritalStatus" && $0.message.hasPrefix("ele-1") })
    }

    @Test("a transaction's PUT entry whose resource id differs from the URL's")
    func putIdentity() throws {
        let bundle = #"{"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"http://x.org/fhir/Patient/1","resource":{"resourceType":"Patient","id":"2"},"request":{"method":"PUT","url":"Patient/1"}}]}"#
        #expect(try errors(bundle).map(\.expression) == ["Bundle.entry[0].request.url"])
    }

    @Test("an unresolved urn:uuid is an error in a transaction and a warning in a collection")
    func urnResolution() throws {
        func bundle(_ type: String) -> String {
            #"{"resourceType":"Bundle","type":"\#(type)","entry":[{"fullUrl":"urn:uuid:6f1e0a34-2b1c-4d5e-9f7a-0b1c2d3e4f50","resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000000"}},"request":{"method":"POST","url":"Observation"}}]}"#
        }
        #expect(try errors(bundle("transaction")).map(\.expression) == ["Bundle.entry[0].resource.subject.reference"])
        let collection = try findings(bundle("collection").replacingOccurrences(of: #","request":{"method":"POST","url":"Observation"}"#, with: ""))
        #expect(collection.contains { $0.severity == .warning && $0.expression == "Bundle.entry[0].resource.subject.reference" })
        #expect(!collection.contains { $0.isError })
    }

    @Test("entries of a batch must not refer to each other")
    func batchEntriesIndependent() throws {
        let bundle = #"{"resourceType":"Bundle","type":"batch","entry":[{"fullUrl":"urn:uuid:6f1e0a34-2b1c-4d5e-9f7a-0b1c2d3e4f50","resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patient"}},{"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"urn:uuid:6f1e0a34-2b1c-4d5e-9f7a-0b1c2d3e4f50"}},"request":{"method":"POST","url":"Observation"}}]}"#
        #expect(try errors(bundle).map(\.expression) == ["Bundle.entry[1].resource.subject.reference"])
        let transaction = bundle.replacingOccurrences(of: #""type":"batch""#, with: #""type":"transaction""#)
        #expect(try errors(transaction).isEmpty)
    }
}
