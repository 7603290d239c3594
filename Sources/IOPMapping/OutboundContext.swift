import FHIRCore
import FHIRResources
import Foundation
import IOPDomain

/// What one outbound resource collects while it is built: contained clinicians and roles, with
/// the local ids that reference them.
struct OutboundContext {
    var contained: [AnyResource] = []

    /// A contained Practitioner for `clinician`, referenced as `#c<n>`.
    mutating func reference(to clinician: Clinician) -> Reference {
        let id = "c\(contained.count + 1)"
        var practitioner = Practitioner(id: FHIRId(id), identifier: clinician.identifiers.map(Outbound.identifier))
        if !clinician.name.isEmpty { practitioner.name = [Outbound.humanName(clinician.name)] }
        contained.append(.practitioner(practitioner))
        return Reference(reference: FHIRString("#" + id))
    }

    /// The practice, or a contained PractitionerRole tying the clinician to the practice.
    mutating func reference(to provider: PrimaryCareProvider) -> Reference {
        guard let clinician = provider.clinician else { return Outbound.practiceReference(provider.practiceID) }
        let practitioner = reference(to: clinician)
        let id = "r\(contained.count + 1)"
        let role = PractitionerRole(id: FHIRId(id), practitioner: practitioner,
                                    organization: Outbound.practiceReference(provider.practiceID))
        contained.append(.practitionerRole(role))
        return Reference(reference: FHIRString("#" + id))
    }
}

/// Small builders shared by the outbound mappers.
enum Outbound {
    static func reference(_ type: String, _ id: String) -> Reference {
        Reference(reference: FHIRString(type + "/" + id))
    }

    static func patientReference(_ id: Participant.ID) -> Reference { reference("Patient", id.rawValue) }
    static func practiceReference(_ id: PrimaryCarePractice.ID) -> Reference { reference("Organization", id.rawValue) }

    static func identifier(_ identifier: BusinessIdentifier) -> Identifier {
        Identifier(system: FHIRUri(identifier.system), value: FHIRString(identifier.value))
    }

    static func humanName(_ name: PersonName) -> HumanName {
        HumanName(family: name.family.map { FHIRString($0) }, given: name.given.map { FHIRString($0) },
                  prefix: name.prefix.map { FHIRString($0) }, suffix: name.suffix.map { FHIRString($0) })
    }

    static func coding(_ system: String, _ code: String, _ display: String? = nil) -> Coding {
        Coding(system: FHIRUri(system), code: FHIRCode(code), display: display.map { FHIRString($0) })
    }

    static func concept(_ system: String, _ code: String, _ display: String? = nil) -> CodeableConcept {
        CodeableConcept(coding: [coding(system, code, display)])
    }

    static func instant(_ date: Date) -> FHIRInstant { FHIRInstant(FHIRDateCodec.instant(date)) }
    static func dateTime(_ date: Date) -> FHIRDateTime { FHIRDateTime(FHIRDateCodec.instant(date)) }

    static func period(_ period: DatePeriod) -> Period? {
        guard period.start != nil || period.end != nil else { return nil }
        return Period(start: period.start.map(dateTime), end: period.end.map(dateTime))
    }

    /// `meta` with the profile and the security labels: R and PSY on behavioural-health content,
    /// plus ETH, 42CFRPart2 and NORDSCLCD when it carries Part 2 records (FHIR-RULES.md, iop-6).
    static func meta(profile: String?, restricted: Bool, part2: Bool) -> Meta {
        var labels: [Coding] = []
        if restricted || part2 {
            labels += [coding(SecurityLabel.restricted.0, SecurityLabel.restricted.1),
                       coding(SecurityLabel.psychiatry.0, SecurityLabel.psychiatry.1)]
        }
        if part2 {
            labels += [coding(SecurityLabel.substanceAbuse.0, SecurityLabel.substanceAbuse.1),
                       coding(SecurityLabel.part2.0, SecurityLabel.part2.1),
                       coding(SecurityLabel.noRedisclosure.0, SecurityLabel.noRedisclosure.1)]
        }
        return Meta(profile: profile.map { [FHIRCanonical($0)] } ?? [], security: labels)
    }

    /// A generated narrative of `sentences`, XHTML-escaped. Callers pass non-sensitive facts
    /// only (kinds, statuses, counts, codes), never names, identifiers or free text.
    static func narrative(_ sentences: [String]) -> Narrative {
        let body = sentences.map { "<p>" + escape($0) + "</p>" }.joined()
        return Narrative(status: FHIRCode("generated"), div: FHIRXhtml("<div xmlns=\"http://www.w3.org/1999/xhtml\">" + body + "</div>"))
    }

    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    // Raw trees for resources without a model (Goal, Endpoint).

    static func primitive(_ name: String, _ value: String, list: Bool = false) -> FHIRElement {
        FHIRElement(name: name, value: value, children: [], form: list ? [.primitive, .list] : [.primitive])
    }
}
