import FHIRCore
import Testing

/// The generated catalogue holds what the R4 definitions say: every resource and type, element
/// order, cardinality, choices, backbone elements, contentReference and required bindings.
@Suite("R4 type catalogue")
struct TypeCatalogueTests {
    let catalogue = TypeCatalogue.r4

    @Test("every R4 resource type and primitive is present")
    func counts() {
        // R4 has 146 concrete resource types (resourcelist.html) and 20 primitives.
        #expect(catalogue.resourceTypeNames.count == 146)
        let primitives = catalogue.types.values.filter { if case .primitive = $0.kind { true } else { false } }
        #expect(Set(primitives.map(\.name)) == Set(PrimitiveKind.allCases.map(\.rawValue)))
        #expect(catalogue.resourceContextID(forName: "DomainResource") == nil, "abstract types are not concrete resources")
    }

    @Test("Patient's members in definition order, with cardinality and types")
    func patient() throws {
        let context = try #require(catalogue.resourceContextID(forName: "Patient").map { catalogue.contexts[$0] })
        let names = context.members.map(\.name)
        #expect(Array(names.prefix(4)) == ["id", "meta", "implicitRules", "language"])
        #expect(names.firstIndex(of: "birthDate")! < names.firstIndex(of: "address")!)
        let name = try #require(context.member(named: "name"))
        #expect(name.isList && name.typeName == "HumanName")
        let birthDate = try #require(context.member(named: "birthDate"))
        #expect(!birthDate.isList && birthDate.form.contains(.primitive))
        #expect(context.member(named: "deceasedBoolean")?.form.contains(.boolean) == true)
        #expect(context.member(named: "deceasedDateTime")?.pathName == "deceased")
        #expect(context.member(named: "deceased") == nil, "a choice is only known by its typed names")
    }

    @Test("reference targets and the invariants each structure defines itself")
    func referencesAndInvariants() throws {
        let generalPractitioner = try #require(catalogue.elements.first { $0.path == "Patient.generalPractitioner" })
        #expect(generalPractitioner.types == ["Reference"])
        #expect(generalPractitioner.referenceTargets == ["Organization", "Practitioner", "PractitionerRole"])
        let subject = try #require(catalogue.elements.first { $0.path == "Observation.subject" })
        #expect(subject.referenceTargets.contains("Patient") && subject.referenceTargets.contains("Group"))

        let contact = try #require(catalogue.elements.first { $0.path == "Patient.contact" })
        #expect(contact.constraints.map(\.key) == ["pat-1"], "ele-1 is inherited from Element, not repeated")
        let domain = try #require(catalogue.types["DomainResource"])
        #expect(domain.constraints.map(\.key) == ["dom-2", "dom-3", "dom-4", "dom-5", "dom-6"])
        #expect(domain.constraints.last?.severity == .warning, "dom-6 is a best-practice warning")
        #expect(catalogue.types["Element"]?.constraints.map(\.key) == ["ele-1"])
        #expect(catalogue.types["Patient"]?.constraints.isEmpty == true)
    }

    @Test("backbone elements and contentReference get their own contexts")
    func backbones() throws {
        let contact = try #require(catalogue.contextID(forPath: "Patient.contact"))
        #expect(catalogue.contexts[contact].member(named: "relationship")?.isList == true)
        let item = try #require(catalogue.contextID(forPath: "Questionnaire.item"))
        let nested = try #require(catalogue.contexts[item].member(named: "item"))
        guard case .complex(let target) = nested.valueType else { Issue.record("item.item is not complex"); return }
        #expect(target == item, "Questionnaire.item.item refers back to Questionnaire.item")
    }

    @Test("required elements and XML attributes are marked")
    func requiredAndAttributes() throws {
        let narrative = try #require(catalogue.contextID(forPath: "Narrative").map { catalogue.contexts[$0] })
        #expect(Set(narrative.required.map(\.pathName)) == ["status", "div"])
        #expect(narrative.member(named: "div")?.form.contains(.xhtml) == true)
        let extensionContext = try #require(catalogue.contextID(forPath: "Extension").map { catalogue.contexts[$0] })
        #expect(extensionContext.member(named: "url")?.form.contains(.xmlAttribute) == true)
        #expect(extensionContext.member(named: "valueCodeableConcept") != nil)
    }

    @Test("required bindings are expanded from the package where they can be")
    func bindings() throws {
        let gender = try #require(catalogue.valueSets["http://hl7.org/fhir/ValueSet/administrative-gender"])
        #expect(gender.contains(code: "female") == true)
        #expect(gender.contains(code: "woman") == false)
        #expect(gender.contains(system: "http://hl7.org/fhir/administrative-gender", code: "other") == true)
        let mime = try #require(catalogue.valueSets["http://hl7.org/fhir/ValueSet/mimetypes"])
        #expect(mime.contains(code: "text/plain") == nil, "BCP-13 is not in the package: not checkable")
        #expect(mime.notExpandableReason != nil)
        let elements = catalogue.elements.filter { $0.path == "Patient.gender" }
        #expect(elements.first?.binding?.strength == .required)
    }

    @Test("every IssueType case is a code of the issue-type ValueSet")
    func issueTypes() throws {
        let valueSet = try #require(catalogue.valueSets["http://hl7.org/fhir/ValueSet/issue-type"])
        for code in IssueType.allCases {
            #expect(valueSet.contains(code: code.rawValue) == true, "\(code.rawValue)")
        }
        let severities = try #require(catalogue.valueSets["http://hl7.org/fhir/ValueSet/issue-severity"])
        for severity in Issue.Severity.allCases {
            #expect(severities.contains(code: severity.rawValue) == true)
        }
    }
}
