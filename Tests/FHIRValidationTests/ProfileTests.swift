import FHIRCore
import FHIRJSON
import FHIRValidation
import Foundation
import GatewayTestSupport
import Testing

/// The IOP's profiles in `Profiles/` load, validate as StructureDefinitions, and are applied:
/// tightened cardinality, fixed and pattern values, slices, extensions by definition, bindings
/// to our own ValueSets, type and target restrictions.
@Suite("IOP profiles")
struct ProfileTests {
    static let folder = SharedData.repositoryRoot.appendingPathComponent("Profiles")
    static let base = "http://iop-gateway.example.org/fhir/StructureDefinition/"
    let registry: ProfileRegistry
    let validator: FHIRValidator

    init() throws {
        registry = try ProfileRegistry(folder: Self.folder)
        validator = FHIRValidator(registry: registry)
    }

    private func errors(_ json: String, profile: String? = nil) throws -> [FHIRCore.Issue] {
        let read = FHIRJSONReader().read(Array(json.utf8))
        let resource = try #require(read.resource, "\(read.issues)")
        return validator.validate(resource, profiles: profile.map { [Self.base + $0] } ?? []).filter(\.isError)
    }

    static let participant = #"""
        {"resourceType":"Patient","id":"p1",
         "identifier":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},
                        "system":"http://clinic.example.org/mrn","value":"A1"}],
         "name":[{"family":"Rivera","given":["Sam"]}],
         "telecom":[{"system":"phone","value":"555-0100"}],
         "birthDate":"1990-04-01",
         "generalPractitioner":[{"reference":"Practitioner/pcp1"}]}
        """#

    @Test("every file in Profiles/ loads, and the seven profiles and four extensions are known")
    func loads() {
        let names = ["participant", "program-session", "treatment-plan", "medication-order", "care-message",
                     "progress-note", "disclosure-consent", "preferred-channel", "session-channel",
                     "sessions-per-week", "part2-covered"]
        for name in names { #expect(registry.profiles[Self.base + "iop-" + name] != nil, "iop-\(name)") }
    }

    @Test("each conformance resource in Profiles/ validates against base R4")
    func profilesAreValidResources() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".json") }
        #expect(files.count >= 19)
        for file in files {
            let bytes = try SharedData.bytes(of: Self.folder.appendingPathComponent(file))
            let resource = try #require(FHIRJSONReader().read(bytes).resource, "\(file)")
            let errors = FHIRValidator().validate(resource).filter(\.isError)
            #expect(errors.isEmpty, "\(file): \(errors.map(\.description))")
        }
    }

    @Test("a conforming participant has no error")
    func conformingParticipant() throws {
        #expect(try errors(Self.participant, profile: "iop-participant").isEmpty)
    }

    @Test("a missing birth date and PCP are reported where they belong, naming the profile")
    func tightenedCardinality() throws {
        let json = Self.participant
            .replacingOccurrences(of: #""birthDate":"1990-04-01","#, with: "")
            .replacingOccurrences(of: #""generalPractitioner":[{"reference":"Practitioner/pcp1"}]"#, with: #""active":true"#)
        let found = try errors(json, profile: "iop-participant")
        #expect(found.contains { $0.expression == "Patient.birthDate" && $0.message.contains("IOPParticipant") })
        #expect(found.contains { $0.expression == "Patient.generalPractitioner" && $0.code == .required })
    }

    @Test("the mrn slice (pattern on type) allows at most one medical record number")
    func sliceMaximum() throws {
        let second = #"{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},"system":"http://clinic.example.org/mrn","value":"A2"}"#
        let json = Self.participant.replacingOccurrences(of: #""value":"A1"}]"#, with: #""value":"A1"},"# + second + "]")
        let found = try errors(json, profile: "iop-participant")
        #expect(found.contains { $0.expression == "Patient.identifier" && $0.message.contains("identifier:mrn") })
    }

    @Test("an extension is checked against its definition: the preferred channel is video or phone")
    func extensionDefinition() throws {
        let good = Self.participant.replacingOccurrences(of: #""id":"p1","#, with: #""id":"p1","extension":[{"url":"\#(Self.base)iop-preferred-channel","valueCode":"phone"}],"#)
        #expect(try errors(good, profile: "iop-participant").isEmpty)
        let bad = good.replacingOccurrences(of: #""valueCode":"phone""#, with: #""valueCode":"carrier-pigeon""#)
        let found = try errors(bad, profile: "iop-participant")
        #expect(found.contains { $0.code == .codeInvalid && $0.expression?.hasPrefix("Patient.extension[0]") == true }, "\(found)")
    }

    static let medicationOrder = #"""
        {"resourceType":"MedicationRequest","status":"active","intent":"order",
         "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"312938"}]},
         "subject":{"reference":"Patient/p1"},"requester":{"reference":"Practitioner/pr1"}}
        """#

    @Test("a medication order needs an RxNorm coding, as a CodeableConcept, from a prescriber")
    func medicationOrder() throws {
        #expect(try errors(Self.medicationOrder, profile: "iop-medication-order").isEmpty)
        let noRxNorm = Self.medicationOrder.replacingOccurrences(of: "http://www.nlm.nih.gov/research/umls/rxnorm", with: "http://snomed.info/sct")
        #expect(try errors(noRxNorm, profile: "iop-medication-order").contains { $0.message.contains("coding:rxnorm") })
        let byReference = Self.medicationOrder.replacingOccurrences(
            of: #""medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"312938"}]}"#,
            with: #""medicationReference":{"reference":"Medication/m1"}"#)
        #expect(try errors(byReference, profile: "iop-medication-order").contains {
            $0.expression == "MedicationRequest.medication.ofType(Reference)"
        })
        let fromPatient = Self.medicationOrder.replacingOccurrences(of: "Practitioner/pr1", with: "Patient/p1")
        #expect(try errors(fromPatient, profile: "iop-medication-order").contains { $0.expression == "MedicationRequest.requester" })
    }

    @Test("a treatment plan's intent is fixed to plan")
    func fixedValue() throws {
        let plan = #"""
            {"resourceType":"CarePlan","status":"active","intent":"order",
             "extension":[{"url":"\#(Self.base)iop-sessions-per-week","valuePositiveInt":3}],
             "category":[{"coding":[{"system":"http://iop-gateway.example.org/fhir/CodeSystem/iop-careplan-category","code":"iop-treatment-plan"}]}],
             "subject":{"reference":"Patient/p1"},"period":{"start":"2026-11-01"}}
            """#
        let found = try errors(plan, profile: "iop-treatment-plan")
        #expect(found.map(\.expression) == ["CarePlan.intent"], "\(found)")
        #expect(try errors(plan.replacingOccurrences(of: #""intent":"order""#, with: #""intent":"plan""#), profile: "iop-treatment-plan").isEmpty)
    }

    @Test("a progress note must carry the R and PSY security labels")
    func securityLabelSlices() throws {
        let note = #"""
            {"resourceType":"DocumentReference","meta":{"security":[
               {"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"R"}]},
             "status":"current","type":{"coding":[{"system":"http://loinc.org","code":"11506-3"}]},
             "subject":{"reference":"Patient/p1"},"date":"2026-11-20T10:00:00Z","author":[{"reference":"Practitioner/pr1"}],
             "content":[{"attachment":{"contentType":"text/plain","data":"UHJvZ3Jlc3M="}}]}
            """#
        let found = try errors(note, profile: "iop-progress-note")
        #expect(found.contains { $0.expression == "DocumentReference.meta.security" && $0.message.contains("security:psychiatry") }, "\(found)")
    }

    @Test("a profile claimed in meta.profile is applied without being asked; an unknown claim is a warning")
    func claimedProfile() throws {
        let claimed = Self.participant.replacingOccurrences(of: #""id":"p1","#, with: #""id":"p1","meta":{"profile":["\#(Self.base)iop-participant"]},"#)
            .replacingOccurrences(of: #""birthDate":"1990-04-01","#, with: "")
        #expect(try errors(claimed).contains { $0.expression == "Patient.birthDate" })
        let unknown = Self.participant.replacingOccurrences(of: #""id":"p1","#, with: #""id":"p1","meta":{"profile":["http://example.org/fhir/StructureDefinition/other"]},"#)
        let read = try #require(FHIRJSONReader().read(Array(unknown.utf8)).resource)
        #expect(validator.validate(read).contains { $0.severity == .warning && $0.expression == "Patient.meta.profile" })
    }
}
