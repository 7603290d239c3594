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

    @Test("ref-1, dom-2, dom-4, dom-5, dom-6, bdl-5, bdl-8 still fail where they should (the walk skips them only where they hold)")
    func shortcutInvariants() throws {
        let local = ##"{"resourceType":"Patient","managingOrganization":{"reference":"#missing"}}"##
        #expect(try errors(local).contains { $0.message.hasPrefix("ref-1") && $0.expression == "Patient.managingOrganization" })
        let remote = #"{"resourceType":"Patient","managingOrganization":{"reference":"Organization/1"}}"#
        #expect(try !errors(remote).contains { $0.message.hasPrefix("ref-1") })
        let nested = ##"{"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"o1","name":"x","contained":[{"resourceType":"Organization","id":"o2","name":"y"}]}],"managingOrganization":{"reference":"#o1"}}"##
        #expect(try errors(nested).contains { $0.message.hasPrefix("dom-2") })
        let versioned = ##"{"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"o1","name":"x","meta":{"versionId":"1","security":[{"code":"R"}]}}],"managingOrganization":{"reference":"#o1"}}"##
        let found = try errors(versioned).map(\.message)
        #expect(found.contains { $0.hasPrefix("dom-4") } && found.contains { $0.hasPrefix("dom-5") })
        #expect(try errors(#"{"resourceType":"Patient","active":true}"#).isEmpty)
        #expect(try findings(#"{"resourceType":"Patient","active":true}"#).contains { $0.message.hasPrefix("dom-6") })
        let entries = #"{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"http://x.org/fhir/Patient/1/_history/2","resource":{"resourceType":"Patient","id":"1"}},{"fullUrl":"urn:uuid:0e1a6b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b"}]}"#
        let messages = try errors(entries).map(\.message)
        #expect(messages.contains { $0.hasPrefix("bdl-8") } && messages.contains { $0.hasPrefix("bdl-5") })
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

    @Test("a missing required element is one error in validate, strict or lenient: a lenient read's warning is not shown beside the validator's error")
    func missingRequiredOnceInLenientValidation() throws {
        let text = Array(#"{"resourceType":"SearchParameter","url":"http://example.org/sp","name":"x","status":"draft","description":"x","code":"x","type":"string"}"#.utf8)
        let strict = DocumentValidator().validate(text)
        #expect(strict.resource == nil)
        #expect(strict.issues.map(\.description) == ["error: SearchParameter.base (line 1, column 1): missing required element 'base'"])
        let lenient = DocumentValidator(mode: .lenient).validate(text)
        #expect(lenient.resource != nil)
        let required = lenient.issues.filter { $0.expression == "SearchParameter.base" }
        #expect(required.map(\.description) == ["error: SearchParameter.base (line 1, column 1): base is required (minimum cardinality 1)"])
        #expect(lenient.hasErrors)
    }

    @Test("a transaction's PUT entry whose resource id differs from the URL's")
    func putIdentity() throws {
        let bundle = #"{"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"http://x.org/fhir/Patient/1","resource":{"resourceType":"Patient","id":"2"},"request":{"method":"PUT","url":"Patient/1"}}]}"#
        // The fullUrl disagrees with the resource id as well (bundle.html §2.36.4).
        #expect(try errors(bundle).map(\.expression) == ["Bundle.entry[0].request.url", "Bundle.entry[0].fullUrl"])
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
    // MARK: Bundle fullUrl and reference rules (bundle.html §2.36.4, §2.36.4.1)

    @Test("a fullUrl must be an absolute URI")
    func fullUrlAbsolute() throws {
        let found = try errors(#"{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"Patient/1","resource":{"resourceType":"Patient","id":"1"}}]}"#)
        #expect(found.map(\.expression) == ["Bundle.entry[0].fullUrl"])
    }

    @Test("a RESTful fullUrl needs a resource id")
    func restfulFullUrlNeedsID() throws {
        let found = try errors(#"{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"http://x.org/fhir/Patient/1","resource":{"resourceType":"Patient"}}]}"#)
        #expect(found.map(\.expression) == ["Bundle.entry[0].fullUrl"])
        #expect(found.first?.message.contains("no id") == true)
    }

    @Test("two entries with the same type and id")
    func duplicateEntryIDs() throws {
        let found = try errors(#"{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:6f1e0a34-2b1c-4d5e-9f7a-0b1c2d3e4f50","resource":{"resourceType":"Patient","id":"1"}},{"fullUrl":"urn:uuid:6f1e0a34-2b1c-4d5e-9f7a-0b1c2d3e4f51","resource":{"resourceType":"Patient","id":"1"}}]}"#)
        #expect(found.map(\.expression) == ["Bundle.entry[1].resource.id"])
    }

    @Test("a relative reference resolves against the referring entry's RESTful fullUrl; the entry must hold that type")
    func bundleReferenceType() throws {
        let found = try errors(#"{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"http://x.org/fhir/Patient/1","resource":{"resourceType":"Patient","id":"1","managingOrganization":{"reference":"Organization/2"}}},{"fullUrl":"http://x.org/fhir/Organization/2","resource":{"resourceType":"Practitioner","id":"2"}}]}"#)
        #expect(found.contains { $0.expression == "Bundle.entry[0].resource.managingOrganization.reference" && $0.message.contains("holds a Practitioner") })
    }

    @Test("an unversioned reference to a fullUrl that several entries share is ambiguous")
    func ambiguousReference() throws {
        let found = try errors(#"{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:6f1e0a34-2b1c-4d5e-9f7a-0b1c2d3e4f50","resource":{"resourceType":"Patient","generalPractitioner":[{"reference":"urn:uuid:6f1e0a34-2b1c-4d5e-9f7a-0b1c2d3e4f51"}]}},{"fullUrl":"urn:uuid:6f1e0a34-2b1c-4d5e-9f7a-0b1c2d3e4f51","resource":{"resourceType":"Organization","meta":{"versionId":"1"},"name":"x"}},{"fullUrl":"urn:uuid:6f1e0a34-2b1c-4d5e-9f7a-0b1c2d3e4f51","resource":{"resourceType":"Organization","meta":{"versionId":"2"},"name":"x"}}]}"#)
        #expect(found.map(\.expression) == ["Bundle.entry[0].resource.generalPractitioner[0].reference"])
        #expect(found.first?.code == .multipleMatches)
    }

    @Test("a document's Composition refers to resources in the Bundle")
    func documentReferencesResolve() throws {
        let found = try errors(#"{"resourceType":"Bundle","identifier":{"system":"urn:ietf:rfc:3986","value":"urn:uuid:6f1e0a34-2b1c-4d5e-9f7a-0b1c2d3e4f59"},"timestamp":"2026-01-01T00:00:00Z","type":"document","entry":[{"fullUrl":"urn:uuid:6f1e0a34-2b1c-4d5e-9f7a-0b1c2d3e4f50","resource":{"resourceType":"Composition","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"},"status":"final","type":{"text":"x"},"date":"2026-01-01","title":"x","author":[{"reference":"Organization/1"}]}}]}"#)
        #expect(found.map(\.expression) == ["Bundle.entry[0].resource.author[0].reference"])
    }

    // MARK: Search results and links

    @Test("a paging link relation occurs once")
    func linkRelationsUnique() throws {
        let found = try errors(#"{"resourceType":"Bundle","type":"searchset","link":[{"relation":"self","url":"http://x.org/fhir/Patient"},{"relation":"self","url":"http://x.org/fhir/Patient"}]}"#)
        #expect(found.map(\.expression) == ["Bundle.link[1]"])
    }

    @Test("search matches have ids and the searched type; outcome entries are OperationOutcomes")
    func searchResults() throws {
        let found = try errors(#"{"resourceType":"Bundle","type":"searchset","link":[{"relation":"self","url":"http://x.org/fhir/Patient?name=x"}],"entry":[{"fullUrl":"urn:uuid:6f1e0a34-2b1c-4d5e-9f7a-0b1c2d3e4f50","resource":{"resourceType":"Organization","name":"x"},"search":{"mode":"match"}},{"fullUrl":"urn:uuid:6f1e0a34-2b1c-4d5e-9f7a-0b1c2d3e4f51","resource":{"resourceType":"Patient","id":"p"},"search":{"mode":"outcome"}}]}"#)
        #expect(found.map(\.expression) == ["Bundle.entry[0].resource", "Bundle.entry[0].resource", "Bundle.entry[1].resource"])
    }

    // MARK: Narrative

    @Test("txt-2: a narrative with only whitespace")
    func narrativeContent() throws {
        let found = try errors(#"{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p> </p></div>"}}"#)
        #expect(found.map(\.expression) == ["Patient.text.div"])
        #expect(found.first?.message.hasPrefix("txt-2") == true)
    }

    @Test("a narrative #link must resolve; an <img src=#id> counts as a reference for dom-3")
    func narrativeFragmentLinks() throws {
        let dangling = try errors(##"{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><a href=\"#nowhere\">x</a></div>"}}"##)
        #expect(dangling.map(\.expression) == ["Patient.text.div"])
        let anchored = try errors(##"{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><a href=\"#a1\">x</a><p id=\"a1\">y</p></div>"}}"##)
        #expect(anchored.isEmpty)
        let image = try errors(##"{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><img src=\"#b1\" alt=\"x\"/></div>"},"contained":[{"resourceType":"Binary","id":"b1","contentType":"image/png"}]}"##)
        #expect(image.isEmpty)
    }

    @Test("a narrative hyperlink with the urn scheme outside a transaction")
    func narrativeURNLink() throws {
        let found = try errors(#"{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><a href=\"urn:uuid:6f1e0a34-2b1c-4d5e-9f7a-0b1c2d3e4f50\">x</a></div>"}}"#)
        #expect(found.map(\.expression) == ["Patient.text.div"])
    }

    // MARK: Extensions and data types

    @Test("Extension.url must be absolute")
    func extensionURLAbsolute() throws {
        let found = try errors(#"{"resourceType":"Patient","extension":[{"url":"nickname","valueString":"x"}]}"#)
        #expect(found.map(\.expression) == ["Patient.extension[0].url"])
    }

    @Test("an extension URL in the core namespace that R4 does not define is a warning (HL7's extensions pack); an unknown one elsewhere is not reported")
    func unknownCoreExtension() throws {
        let found = try findings(#"{"resourceType":"Patient","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/no-such-extension","valueString":"x"}]}"#)
            .filter { $0.expression != "Patient" }  // dom-6, no narrative
        #expect(found.map(\.expression) == ["Patient.extension[0].url"])
        #expect(found.map(\.severity) == [.warning])
        // US Core's use: an extensions-pack extension on a Questionnaire, with a value R4 has no definition to check.
        let pack = try findings(#"{"resourceType":"Questionnaire","status":"active","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/artifact-versionAlgorithm","valueCoding":{"system":"http://hl7.org/fhir/version-algorithm","code":"semver"}}]}"#)
        #expect(pack.filter(\.isError).isEmpty, "\(pack)")
        #expect(pack.contains { $0.severity == .warning && $0.expression == "Questionnaire.extension[0].url" })
        let unknown = try findings(#"{"resourceType":"Patient","extension":[{"url":"http://example.org/fhir/ext","valueString":"x"}]}"#)
        #expect(!unknown.contains { $0.expression?.hasPrefix("Patient.extension") == true })
    }

    @Test("an unknown modifier extension in the core namespace is warned about twice: not checked, and its meaning unknown")
    func unknownCoreModifierExtension() throws {
        let found = try findings(#"{"resourceType":"Patient","modifierExtension":[{"url":"http://hl7.org/fhir/StructureDefinition/no-such-extension","valueString":"x"}]}"#)
            .filter { $0.expression != "Patient" }  // dom-6, no narrative
        #expect(found.map(\.severity) == [.warning, .warning], "\(found)")
        #expect(found.map(\.expression) == ["Patient.modifierExtension[0].url", "Patient.modifierExtension[0]"])
    }

    @Test("a core extension's value type comes from its definition")
    func coreExtensionValueType() throws {
        let found = try errors(#"{"resourceType":"Patient","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime","valueString":"x"}]}"#)
        #expect(found.map(\.expression) == ["Patient.extension[0].valueString"])
    }

    @Test("a complex core extension: required and undefined sub-extensions")
    func complexCoreExtension() throws {
        let missing = try errors(#"{"resourceType":"Patient","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-animal","extension":[{"url":"breed","valueCodeableConcept":{"text":"x"}}]}]}"#)
        #expect(missing.map(\.expression) == ["Patient.extension[0]"])
        let undefined = try errors(#"{"resourceType":"Patient","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-animal","extension":[{"url":"species","valueCodeableConcept":{"text":"x"}},{"url":"species-x","valueCodeableConcept":{"text":"x"}}]}]}"#)
        #expect(undefined.map(\.expression) == ["Patient.extension[0].extension[1]"])
    }

    @Test("Attachment.size must be the decoded length of data")
    func attachmentSize() throws {
        let found = try errors(#"{"resourceType":"Media","status":"completed","content":{"contentType":"text/plain","data":"aGVscCBpJ20gYSBidWc=","size":100}}"#)
        #expect(found.map(\.expression) == ["Media.content.size"])
        #expect(try errors(#"{"resourceType":"Media","status":"completed","content":{"contentType":"text/plain","data":"aGVscCBpJ20gYSBidWc=","size":14}}"#).isEmpty)
    }

    @Test("a string over 1 MB")
    func stringSizeLimit() throws {
        let long = String(repeating: "a", count: 1_048_577)
        let found = try errors(#"{"resourceType":"Patient","name":[{"family":"\#(long)"}]}"#)
        #expect(found.map(\.expression) == ["Patient.name[0].family"])
        #expect(found.first?.code == .tooLong)
    }

    @Test("an enableWhen that depends on a question nested inside its own item")
    func enableWhenNested() throws {
        let found = try errors(#"{"resourceType":"Questionnaire","status":"draft","item":[{"linkId":"g","type":"group","enableWhen":[{"question":"q","operator":"=","answerBoolean":true}],"item":[{"linkId":"q","type":"boolean"}]}]}"#)
        #expect(found.map(\.expression) == ["Questionnaire.item[0]"])
    }

    @Test("the type a reference names is read from relative, absolute, versioned and conditional forms",
          arguments: [
              ("Practitioner/1", true), ("Practitioner/1/_history/2", true), ("https://x.org/fhir/Practitioner/1", true),
              ("https://x.org/fhir/Practitioner/1/_history/3", true), ("Practitioner?identifier=a|b", true),
              ("Organization/1", false), ("https://x.org/fhir/Organization/1/_history/1", false),
              ("Organization?identifier=a", false), ("urn:isbn:0451450523", false), ("1", false),
          ])
    func referenceForms(_ reference: String, wrongType: Bool) throws {
        let found = try errors(#"{"resourceType":"Patient","managingOrganization":{"reference":"\#(reference)"}}"#)
        #expect(found.contains { $0.expression == "Patient.managingOrganization.reference" } == wrongType, "\(found)")
    }
}
