import FHIRCore
import FHIRResources
import Foundation
import IOPDomain

/// One run of the inbound mapper over one input. A class because the passes share and grow the
/// same tables; it never leaves `FHIRInboundMapper.map`, so it needs no Sendable conformance.
final class InboundRun {
    let input: InboundInput
    let configuration: FHIRInboundMapper.Configuration

    /// The verdict of each entry, by position; `nil` until decided.
    var verdicts: [EntryOutcome.Verdict?]
    /// Warnings gathered for entries mapped as parts of others (practices, clinicians).
    var sideWarnings: [Int: [Issue]] = [:]
    /// Entries used as a PCP practice or clinician (Organization, Practitioner, PractitionerRole).
    var usedAsProvider: Set<Int> = []

    var participants: [Participant] = []
    /// The participant of each Patient entry or contained Patient, by target key.
    var participantOfTarget: [String: Participant.ID] = [:]
    var practices: [PrimaryCarePractice] = []
    /// Organizations a Practitioner works for, learnt from PractitionerRoles and from Patients
    /// that name both, by the Practitioner's target key.
    var affiliation: [String: ResolvedTarget] = [:]
    var records = DomainRecords()

    init(input: InboundInput, configuration: FHIRInboundMapper.Configuration) {
        self.input = input
        self.configuration = configuration
        self.verdicts = Array(repeating: nil, count: input.entries.count)
    }

    func execute() -> MappingOutcome {
        learnAffiliations()
        for position in input.entries.indices {
            if case .patient(let patient) = input.entries[position].resource {
                mapPatient(patient, at: position)
            }
        }
        for position in input.entries.indices where verdicts[position] == nil {
            guard let resource = input.entries[position].resource else {
                verdicts[position] = .notForIOP(reason: "The entry has no resource")
                continue
            }
            switch resource {
            case .patient: break
            case .serviceRequest(let request): mapReferral(request, at: position)
            case .carePlan(let plan):
                if TreatmentPlanShape.isIOPTreatmentPlan(plan) { mapTreatmentPlan(plan, at: position) } else { mapReferral(plan, at: position) }
            case .appointment(let appointment): mapAppointment(appointment, at: position)
            case .medicationRequest(let request): mapMedicationRequest(request, at: position)
            case .communication(let communication): mapCommunication(communication, at: position)
            case .consent(let consent): mapConsent(consent, at: position)
            case .documentReference(let document): mapDocumentReference(document, at: position)
            case .organization, .practitioner, .practitionerRole: break  // decided at the end
            case .bundle:
                verdicts[position] = .notForIOP(reason: "A Bundle inside a Bundle is not mapped; send its entries")
            default:
                verdicts[position] = .notForIOP(reason: "The IOP does not use \(resource.resourceType) resources")
            }
        }
        for position in input.entries.indices where verdicts[position] == nil {
            let type = input.entries[position].resource?.resourceType ?? "Resource"
            if usedAsProvider.contains(position) {
                verdicts[position] = .mapped(warnings: sideWarnings[position] ?? [])
            } else {
                verdicts[position] = .notForIOP(reason: "The \(type) is not named as anyone's primary care, clinician or consent recipient")
            }
        }
        records.participants = participants
        records.practices = practices
        let entries = input.entries.indices.map { position in
            EntryOutcome(entryIndex: input.entries[position].index,
                         resourceType: input.entries[position].resource?.resourceType ?? "Resource",
                         verdict: verdicts[position] ?? .notForIOP(reason: "Not mapped"))
        }
        return MappingOutcome(entries: entries, records: records)
    }

    // MARK: - Shared helpers

    func path(_ position: Int, _ element: String? = nil) -> String {
        let base = input.entries[position].path
        guard let element else { return base }
        return base + "." + element
    }

    /// A resource of a type the IOP maps whose patient is not a Patient of the input. When the
    /// input is addressed to the IOP (it carries a Patient, a referral's shape, or the resource
    /// claims one of the IOP's profiles) that is a broken referral and is refused; otherwise it
    /// is an EHR's own record (a lab order, a US Core MedicationRequest of a patient the IOP
    /// does not follow): stored as received and not mapped, with the reason as a warning.
    func unplaced(_ position: Int, _ element: String, _ message: String) {
        let claimsIOPProfile = input.entries[position].resource?.meta?.profile.contains {
            $0.value?.hasPrefix(IOPCanonical.base + "/") == true
        } ?? false
        let inputHasPatient = input.entries.contains { $0.resource?.resourceType == "Patient" }
        if claimsIOPProfile || inputHasPatient {
            refuse(position, element, .notFound, message)
        } else {
            verdicts[position] = .notForIOP(
                reason: message + ", and the input is not addressed to the IOP: it is stored as received and not mapped")
        }
    }

    func refuse(_ position: Int, _ element: String?, _ code: IssueType, _ message: String) {
        let issue = Issue(.error, code, message, expression: path(position, element))
        if case .refused(let existing) = verdicts[position] {
            verdicts[position] = .refused(existing + [issue])
        } else {
            verdicts[position] = .refused([issue])
        }
    }

    func warning(_ position: Int, _ element: String?, _ message: String, code: IssueType = .informational) -> Issue {
        Issue(.warning, code, message, expression: path(position, element))
    }

    /// A deterministic domain ID (`StableID`), remembering the ID the same record had before the
    /// store's version 4, so the writer finds rows an earlier version wrote.
    func stableID<Owner>(_ kind: String, _ parts: [String]) -> EntityID<Owner> {
        let id: EntityID<Owner> = StableID.make(kind, parts)
        // A part that is itself a new id (a participant's) stood for its old id then.
        let legacy: EntityID<Owner> = StableID.legacy(kind, parts.map { records.legacyIDs[$0] ?? $0 })
        records.legacyIDs[id.rawValue] = legacy.rawValue
        return id
    }

    /// A domain ID for the record made from the entry at `position` (see `FHIRInboundMapper`).
    func recordID<Owner>(_ kind: String, at position: Int, extra: [String] = []) -> EntityID<Owner> {
        let entry = input.entries[position]
        if let own = gatewayID(of: entry) {
            return extra.isEmpty ? EntityID(own) : stableID(kind, [own] + extra)
        }
        let keys = (entry.resource?.businessIdentifiers ?? []).compactMap(\.key).sorted()
        if !keys.isEmpty { return stableID(kind, keys + extra) }
        if let fullUrl = entry.fullUrl { return stableID(kind, [fullUrl] + extra) }
        if let id = entry.resource?.resourceID { return stableID(kind, [entry.resource?.resourceType ?? "", id] + extra) }
        return stableID(kind, ["entry", String(entry.index ?? -1)] + extra)
    }

    /// The resource id when the entry is one the gateway holds: its fullUrl is under our base.
    func gatewayID(of entry: InboundInput.Entry) -> String? {
        guard let fullUrl = entry.fullUrl, fullUrl.hasPrefix(IOPCanonical.base + "/"),
              let resource = entry.resource else { return nil }
        let tail = fullUrl.dropFirst(IOPCanonical.base.count + 1).split(separator: "/")
        guard tail.count == 2, tail[0] == resource.resourceType else { return nil }
        return String(tail[1])
    }

    /// The participant a reference (subject, patient, actor) names, when it is a Patient
    /// mapped from this input.
    func participant(for reference: Reference?, from position: Int) -> Participant.ID? {
        guard let target = input.resolve(reference, from: position) else { return nil }
        return participantOfTarget[target.key]
    }

    func participantRecord(_ id: Participant.ID) -> Participant? { participants.first { $0.id == id } }

    /// The domain ID of the record made from the entry a reference points at, when that entry
    /// has the expected resource type.
    func referencedEntry(_ reference: Reference?, from position: Int, type: String) -> Int? {
        guard case .entry(let target)? = input.resolve(reference, from: position),
              input.entries[target].resource?.resourceType == type else { return nil }
        return target
    }

    /// A date from a FHIR lexeme.
    func date(_ lexeme: String?) -> Date? { lexeme.flatMap(FHIRDateCodec.date) }
}
