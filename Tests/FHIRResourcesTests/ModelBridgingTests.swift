import FHIRCore
import FHIRJSON
import FHIRResources
import Foundation
import Testing

/// The typed models on small, hand-written cases: choices, primitives without values, decimal
/// lexemes, building in code, unknown content, and the errors `init(element:)` throws.
@Suite("Typed models and the element tree")
struct ModelBridgingTests {
    func tree(_ json: String, mode: ReadMode = .strict) throws -> FHIRElement {
        let result = FHIRJSONReader(mode: mode).read(Array(json.utf8))
        return try #require(result.resource, "\(result.issues)")
    }

    func json(_ element: FHIRElement) -> String {
        String(decoding: FHIRJSONWriter().write(element), as: UTF8.self)
    }

    @Test("Patient.deceased[x] is an enum with a case per type")
    func choice() throws {
        let source = #"{"resourceType":"Patient","deceasedDateTime":"2015-02-14T13:42:00+10:00"}"#
        var patient = try Patient(element: tree(source))
        #expect(patient.deceased == .dateTime("2015-02-14T13:42:00+10:00"))
        if case .dateTime(let when) = patient.deceased { #expect(when.precision == .second) }
        #expect(json(patient.element()) == source)

        patient.deceased = .boolean(true)
        #expect(json(patient.element()) == #"{"resourceType":"Patient","deceasedBoolean":true}"#)
        #expect(patient.element().child("deceasedBoolean")?.form == [.primitive, .boolean])
    }

    @Test("a primitive with an extension and no value")
    func primitiveWithoutValue() throws {
        let source = #"{"resourceType":"Patient","_birthDate":{"id":"b1","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/data-absent-reason","valueCode":"unknown"}]}}"#
        let element = try tree(source)
        let patient = try Patient(element: element)
        let birthDate = try #require(patient.birthDate)
        #expect(birthDate.value == nil)
        #expect(birthDate.id == "b1")
        #expect(birthDate.extension.first?.url == "http://hl7.org/fhir/StructureDefinition/data-absent-reason")
        #expect(birthDate.extension.first?.value == .code("unknown"))
        #expect(patient.element() == element)
        #expect(json(patient.element()) == source)
    }

    @Test("decimals keep their lexeme: 1.50 stays 1.50")
    func decimalPrecision() throws {
        let source = #"{"resourceType":"Patient","extension":[{"url":"urn:x","valueDecimal":1.50},{"url":"urn:y","valueDecimal":0.100000000000000000000000000001}]}"#
        let patient = try Patient(element: tree(source))
        guard case .decimal(let first) = patient.extension[0].value, case .decimal(let second) = patient.extension[1].value else {
            Issue.record("expected decimals")
            return
        }
        #expect(first.value == "1.50")
        #expect(first.decimal == Decimal(string: "1.5"))
        #expect(second.value == "0.100000000000000000000000000001")
        #expect(json(patient.element()) == source)
        #expect(json(Patient(extension: [Extension(url: "urn:z", value: .decimal("2.000"))]).element())
            == #"{"resourceType":"Patient","extension":[{"url":"urn:z","valueDecimal":2.000}]}"#)
    }

    @Test("a Patient built in code writes the expected JSON and reads back equal")
    func buildInCode() throws {
        let patient = Patient(
            id: "iop-1",
            meta: Meta(profile: ["http://example.org/iop/StructureDefinition/iop-participant"]),
            identifier: [Identifier(system: "urn:oid:2.16.840.1.113883.4.1", value: "000-00-0000")],
            active: true,
            name: [HumanName(use: "official", family: "Chalmers", given: ["Peter", "James"])],
            gender: "male",
            birthDate: "1974-12",
            multipleBirth: .integer(2),
            contact: [Patient.Contact(relationship: [CodeableConcept(text: "guardian")], name: HumanName(text: "A. Guardian"))],
            link: [Patient.Link(other: Reference(reference: "Patient/other"), type: "seealso")])
        let expected = #"{"resourceType":"Patient","id":"iop-1","meta":{"profile":["http://example.org/iop/StructureDefinition/iop-participant"]},"#
            + #""identifier":[{"system":"urn:oid:2.16.840.1.113883.4.1","value":"000-00-0000"}],"active":true,"#
            + #""name":[{"use":"official","family":"Chalmers","given":["Peter","James"]}],"gender":"male","birthDate":"1974-12","#
            + #""multipleBirthInteger":2,"contact":[{"relationship":[{"text":"guardian"}],"name":{"text":"A. Guardian"}}],"#
            + #""link":[{"other":{"reference":"Patient/other"},"type":"seealso"}]}"#
        #expect(json(patient.element()) == expected)
        let reread = try tree(expected)
        #expect(reread == patient.element())
        #expect(try Patient(element: reread) == patient)
    }

    @Test("unknown content from a lenient read is kept and written back")
    func unknownContent() throws {
        let source = #"{"resourceType":"Patient","name":[{"family":"Doe","nickname":"JD"}],"gender":"female","favouriteColour":{"hue":"blue"}}"#
        let element = try tree(source, mode: .lenient)
        let patient = try Patient(element: element)
        #expect(patient.unknown.map(\.name) == ["favouriteColour"])
        #expect(patient.name[0].unknown.map(\.name) == ["nickname"])
        #expect(patient.element() == element)
        #expect(json(patient.element()) == source)
    }

    @Test("contained resources without a model are kept as .other")
    func containedOther() throws {
        let source = #"{"resourceType":"Patient","contained":[{"resourceType":"Observation","id":"o1","status":"final","code":{"text":"mood"}},"#
            + ##"{"resourceType":"Organization","id":"org1","name":"IOP clinic"}],"managingOrganization":{"reference":"#org1"}}"##
        let element = try tree(source)
        let patient = try Patient(element: element)
        #expect(patient.contained.map(\.resourceType) == ["Observation", "Organization"])
        if case .other(let observation) = patient.contained[0] { #expect(observation.resourceType == "Observation") } else {
            Issue.record("Observation should be .other")
        }
        if case .organization(let organization) = patient.contained[1] { #expect(organization.name?.value == "IOP clinic") } else {
            Issue.record("Organization should be modelled")
        }
        #expect(patient.element() == element)
        #expect(json(patient.element()) == source)
    }

    @Test("a reference's identifier's assigner nests (an @Indirect property)")
    func indirectNesting() throws {
        let inner = Reference(display: "registry")
        let reference = Reference(identifier: Identifier(value: "42", assigner: inner))
        #expect(reference.identifier?.assigner?.display == "registry")
        #expect(try Reference(element: reference.element(named: "subject", form: [])) == reference)
    }

    @Test("init(element:) names the FHIRPath of a wrong shape, never the value")
    func errors() throws {
        // A value where HumanName has only child elements.
        let patientWithValueName = FHIRElement.resource("Patient", children: [
            FHIRElement(name: "name", value: "SECRET-NAME", form: [.list]),
        ])
        #expect {
            try Patient(element: patientWithValueName)
        } throws: { error in
            let error = try #require(error as? FHIRModelError)
            return error.path == "Patient.name[0]" && error.problem == .valueOnComplexElement
                && !error.description.contains("SECRET")
        }

        // Patient.link.other is required.
        let missingOther = FHIRElement.resource("Patient", children: [
            FHIRElement(name: "link", children: [FHIRElement(name: "type", value: "seealso", form: .primitive)], form: .list),
        ])
        do {
            _ = try Patient(element: missingOther)
            Issue.record("expected an error")
        } catch {
            #expect(error.path == "Patient.link[0].other")
            #expect(error.problem == .missingRequired)
            #expect(error.description == "Patient.link[0].other: a required element is missing")
        }

        // An element Patient does not define, not marked as kept unknown content.
        let stray = FHIRElement.resource("Patient", children: [FHIRElement(name: "colour", value: "blue", form: .primitive)])
        #expect(throws: FHIRModelError.self) { try Patient(element: stray) }

        // Two types of one choice.
        let twoChoices = FHIRElement.resource("Patient", children: [
            FHIRElement(name: "deceasedBoolean", value: "true", form: [.primitive, .boolean]),
            FHIRElement(name: "deceasedDateTime", value: "2020", form: .primitive),
        ])
        do {
            _ = try Patient(element: twoChoices)
            Issue.record("expected an error")
        } catch {
            #expect(error.path == "Patient.deceased")
            #expect(error.problem == .repeated)
        }

        // A wrong shape inside a choice is named with its type.
        let badChoice = FHIRElement.resource("Patient", children: [
            FHIRElement(name: "deceasedBoolean", value: "true", children: [FHIRElement(name: "oops", value: "x")], form: .primitive),
        ])
        do {
            _ = try Patient(element: badChoice)
            Issue.record("expected an error")
        } catch {
            #expect(error.path == "Patient.deceased.ofType(boolean).oops")
            #expect(error.problem == .unexpectedElement)
        }

        // Another resource type, and an error deep inside a Bundle.
        #expect(throws: FHIRModelError.self) { try Patient(element: FHIRElement.resource("Observation", children: [])) }
        let bundle = FHIRElement.resource("Bundle", children: [
            FHIRElement(name: "type", value: "collection", form: .primitive),
            FHIRElement(name: "entry", children: [
                FHIRElement.resource("Patient", name: "resource", children: [stray.children[0]]),
            ], form: .list),
        ])
        do {
            _ = try Bundle(element: bundle)
            Issue.record("expected an error")
        } catch {
            #expect(error.path == "Bundle.entry[0].resource.colour")
            #expect(error.problem == .unexpectedElement)
        }
    }
}
