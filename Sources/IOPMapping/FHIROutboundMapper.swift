import FHIRCore
import FHIRResources
import Foundation
import IOPDomain

/// IOP domain → FHIR typed models conforming to the IOP profiles (`Profiles/README.md`).
///
/// Each resource's `id` is the domain ID, so `<IOPCanonical.base>/<Type>/<id>` is its URL and the
/// inbound mapper gives the same IDs back. References between records are `Type/id`
/// (`Patient/…`, `Organization/…`); clinicians, who have no record of their own, are contained
/// Practitioners. Narratives state kinds, statuses, counts and codes only: no name, identifier,
/// contact or free text. See `MappingLimits` for what FHIR cannot carry.
public struct FHIROutboundMapper: Sendable {
    public init() {}

    /// Why a participant cannot claim `iop-participant` (birth date, phone, PCP, name are
    /// required there); empty when it can. Such a Patient is written against base R4 only.
    public func participantProfileGaps(_ participant: Participant) -> [String] {
        var gaps: [String] = []
        if participant.birthDate == nil { gaps.append("birthDate") }
        if !participant.contacts.contains(where: { $0.system == .phone && $0.value.contains(where: { !$0.isWhitespace }) }) {
            gaps.append("telecom (a phone)")
        }
        if participant.primaryCare == nil { gaps.append("generalPractitioner") }
        if participant.name.given.isEmpty && participant.name.family == nil { gaps.append("name") }
        return gaps
    }

    public func patient(_ participant: Participant) -> Patient {
        var context = OutboundContext()
        let conforms = participantProfileGaps(participant).isEmpty
        var patient = Patient(id: FHIRId(participant.id.rawValue),
                              meta: Outbound.meta(profile: conforms ? IOPCanonical.Profile.participant : nil, restricted: false, part2: false),
                              text: Outbound.narrative(["IOP participant (\(participant.connectionMode == .phoneOnly ? "joins by phone" : "joins by video")).",
                                                        "Identification is in the structured data."]))
        patient.extension = [Extension(url: IOPCanonical.Extension.preferredChannel,
                                       value: .code(FHIRCode(participant.connectionMode == .phoneOnly ? "phone" : "video")))]
        patient.identifier = participant.identifiers.map(Outbound.identifier)
        if !participant.name.isEmpty { patient.name = [Outbound.humanName(participant.name)] }
        patient.telecom = participant.contacts.map { contact in
            var point = FHIRResources.ContactPoint(system: FHIRCode(contact.system.rawValue), value: FHIRString(contact.value),
                                                   use: contact.use.map { FHIRCode($0.rawValue) }, rank: contact.rank.map { FHIRPositiveInt($0) })
            if contact.isSessionBackup {
                point.extension = [Extension(url: IOPCanonical.Extension.sessionBackup, value: .boolean(FHIRBoolean(true)))]
            }
            return point
        }
        patient.birthDate = participant.birthDate.map { FHIRDate($0.description) }
        if let pcp = participant.primaryCare { patient.generalPractitioner = [context.reference(to: pcp)] }
        patient.contained = context.contained
        return patient
    }

    /// A practice as an Organization, its endpoints as contained Endpoints.
    public func organization(_ practice: PrimaryCarePractice) -> Organization {
        var organization = Organization(id: FHIRId(practice.id.rawValue), text: Outbound.narrative(["Primary-care practice."]),
                                        identifier: practice.identifiers.map(Outbound.identifier), active: FHIRBoolean(true),
                                        name: FHIRString(practice.name))
        let targets = [practice.endpoint.primary] + (practice.endpoint.fallback.map { [$0] } ?? [])
        for (index, target) in targets.enumerated() {
            let id = index == 0 ? "primary" : "fallback"
            let payload = CodeableConcept(coding: [Outbound.coding(IOPCanonical.CodeSystem.deliveryProfile, target.deliveryProfile.rawValue)]
                + (target.deliveryProfile == .documentReferenceOnly ? [Outbound.coding(Terminology.resourceTypes, "DocumentReference")] : []))
            let endpoint = FHIRElement(name: "Endpoint", resourceType: "Endpoint", children: [
                Outbound.primitive("id", id),
                Outbound.primitive("status", "active"),
                Outbound.coding(Terminology.endpointConnectionType, "hl7-fhir-rest").element(named: "connectionType", form: []),
                payload.element(named: "payloadType", form: [.list]),
                Outbound.primitive("address", target.baseURL.absoluteString),
            ])
            organization.contained.append(.other(endpoint))
            organization.endpoint.append(Reference(reference: FHIRString("#" + id)))
        }
        return organization
    }

    /// An enrolment as the referral it started from. R4 ServiceRequest has no history, so only
    /// the referral (date, identifiers, reason, referrer) and a coarse status travel.
    public func serviceRequest(_ enrolment: Enrolment) -> ServiceRequest {
        var context = OutboundContext()
        let status = switch enrolment.status {
        case .declined: "revoked"
        case .discharged: "completed"
        default: "active"
        }
        var request = ServiceRequest(id: FHIRId(enrolment.id.rawValue),
                                     meta: Outbound.meta(profile: nil, restricted: enrolment.containsPart2Data, part2: enrolment.containsPart2Data),
                                     text: Outbound.narrative(["Referral to the IOP; enrolment \(enrolment.status.rawValue)."]),
                                     identifier: enrolment.referralIdentifiers.map(Outbound.identifier),
                                     status: FHIRCode(status), intent: FHIRCode("order"),
                                     subject: Outbound.patientReference(enrolment.participantID))
        request.authoredOn = Outbound.dateTime(enrolment.referredAt)
        request.requester = context.reference(to: enrolment.referringProvider)
        if let reason = enrolment.referralReason { request.reasonCode = [CodeableConcept(text: FHIRString(reason))] }
        request.contained = context.contained
        return request
    }
}
