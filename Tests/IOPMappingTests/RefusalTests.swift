import FHIRCore
import Foundation
import GatewayTestSupport
import IOPDomain
import IOPMapping
import Testing

/// Refusals name the entry (`Bundle.entry[i].resource…`) and carry no patient data.
@Suite("Refusals")
struct RefusalTests {
    /// 01 with one change to the JSON text, mapped.
    static func mutated(_ edit: (String) -> String) throws -> MappingOutcome {
        let url = MappingFixtures.referrals.appendingPathComponent("01-depression-ssri-referral.json")
        let text = edit(try String(contentsOf: url, encoding: .utf8))
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("iop-mapping-\(UUID().uuidString).json")
        try text.write(to: tmp, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: tmp) }
        return FHIRInboundMapper().map(try MappingFixtures.element(at: tmp))
    }

    static let patientStrings = ["BFM-204518", "Whitfield", "Dana", "1987-06-14", "+1-555-0111", "dana.whitfield", "Linden"]

    static func expectClean(_ outcome: MappingOutcome, expression: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(outcome.isRefused, sourceLocation: sourceLocation)
        #expect(outcome.issues.contains { $0.expression == expression }, "\(outcome.refusalSummary)", sourceLocation: sourceLocation)
        for issue in outcome.issues {
            for secret in patientStrings {
                #expect(!issue.description.contains(secret), "patient data in \(issue)", sourceLocation: sourceLocation)
            }
        }
        // Warnings are held to the same rule.
        for entry in outcome.entries {
            if case .mapped(let warnings) = entry.verdict {
                for warning in warnings { for secret in patientStrings { #expect(!warning.description.contains(secret)) } }
            }
        }
    }

    @Test("a Patient without a usable identifier")
    func noIdentifier() throws {
        let outcome = try Self.mutated { $0.replacingOccurrences(of: "\"system\": \"https://ehr.birchwood-fm.example.org/fhir/sid/mrn\",", with: "") }
        Self.expectClean(outcome, expression: "Bundle.entry[0].resource.identifier")
    }

    @Test("a MedicationRequest without RxNorm")
    func noRxNorm() throws {
        let outcome = try Self.mutated { $0.replacingOccurrences(of: "http://www.nlm.nih.gov/research/umls/rxnorm", with: "http://example.org/drugs") }
        Self.expectClean(outcome, expression: "Bundle.entry[5].resource.medicationCodeableConcept")
    }

    @Test("a referral whose subject does not resolve")
    func unresolvedSubject() throws {
        let outcome = try Self.mutated {
            $0.replacingOccurrences(of: "\"subject\": {\n          \"reference\": \"urn:uuid:30085a52-9cf3-5749-96ba-9d75a3bd328f\"\n        },\n        \"authoredOn\": \"2026-11-16\"",
                                    with: "\"subject\": {\n          \"reference\": \"urn:uuid:00000000-0000-0000-0000-000000000000\"\n        },\n        \"authoredOn\": \"2026-11-16\"")
        }
        Self.expectClean(outcome, expression: "Bundle.entry[4].resource.subject")
    }

    @Test("an Appointment for nobody")
    func appointmentForNobody() throws {
        let url = MappingFixtures.referrals.appendingPathComponent("13-platform-outage-phone-reschedule.json")
        var element = try MappingFixtures.element(at: url)
        // Drop every entry but the replacement Appointment: its Patient no longer resolves.
        element.children = element.children.filter { $0.name != "entry" } + [element.children("entry")[6]]
        let outcome = FHIRInboundMapper().map(element)
        #expect(outcome.isRefused)
        #expect(outcome.issues.map(\.expression) == ["Bundle.entry[0].resource.participant"])
    }

    @Test("a partial birth date is a warning, not carried")
    func partialBirthDate() throws {
        let outcome = try Self.mutated { $0.replacingOccurrences(of: "\"birthDate\": \"1987-06-14\"", with: "\"birthDate\": \"1987-06\"") }
        #expect(!outcome.isRefused)
        #expect(outcome.records.participants.first?.birthDate == nil)
        guard case .mapped(let warnings) = outcome.entries[0].verdict else { Testing.Issue.record("not mapped"); return }
        #expect(warnings.contains { $0.expression == "Bundle.entry[0].resource.birthDate" })
    }

    @Test("the same Patient twice is one participant")
    func samePatientTwice() throws {
        let url = MappingFixtures.referrals.appendingPathComponent("01-depression-ssri-referral.json")
        var element = try MappingFixtures.element(at: url)
        var copy = element.children("entry")[0]
        if let index = copy.children.firstIndex(where: { $0.name == "fullUrl" }) {
            copy.children[index].value = "urn:uuid:11111111-2222-3333-4444-555555555555"
        }
        element.children.append(copy)
        let outcome = FHIRInboundMapper().map(element)
        #expect(!outcome.isRefused)
        #expect(outcome.records.participants.count == 1)
    }

    @Test("resources the IOP does not use are named")
    func notForIOP() {
        let observation = FHIRElement.resource("Observation", children: [])
        let outcome = FHIRInboundMapper().map(observation)
        #expect(outcome.entries.first?.verdict == .notForIOP(reason: "The IOP does not use Observation resources"))
    }
}
