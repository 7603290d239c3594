import FHIRCore
import FHIRResources
import Foundation
import IOPDomain

extension FHIROutboundMapper {
    public func communication(_ message: CareMessage) -> Communication {
        var context = OutboundContext()
        let priority = message.effectivePriority
        var communication = Communication(
            id: FHIRId(message.id.rawValue),
            meta: Outbound.meta(profile: IOPCanonical.Profile.careMessage, restricted: true, part2: message.containsPart2Data),
            text: Outbound.narrative(["Care message (\(message.category.rawValue), \(priority.rawValue))."]),
            status: FHIRCode("completed"))
        communication.category = [Outbound.concept(IOPCanonical.CodeSystem.careMessageCategory, message.category.rawValue)]
        communication.priority = FHIRCode(priority.rawValue)
        communication.subject = Outbound.patientReference(message.participantID)
        if let session = message.sessionID { communication.about = [Outbound.reference("Appointment", session.rawValue)] }
        communication.sent = Outbound.dateTime(message.createdAt)
        communication.recipient = message.recipients.map { reference(to: $0, context: &context) }
        if message.sender != .program { communication.sender = reference(to: message.sender, context: &context) }
        communication.payload = [Communication.Payload(content: .string(FHIRString(message.text)))]
        if message.containsPart2Data {
            communication.payload.append(Communication.Payload(content: .string(FHIRString(RedisclosureNotice.part2ShortForm))))
        }
        communication.contained = context.contained
        return communication
    }

    private func reference(to party: CareParty, context: inout OutboundContext) -> Reference {
        switch party {
        case .program: Reference(display: FHIRString("Intensive Outpatient Program"))
        case .iopClinician(let clinician): context.reference(to: clinician)
        case .primaryCare(let provider): context.reference(to: provider)
        }
    }

    /// A progress note: LOINC 11506-3, labels R and PSY (and the Part 2 labels and the §2.32
    /// notice when it carries Part 2 records), text/plain and XHTML attachments built only from
    /// the summary's fields, every one of which HIPAA lets leave the program for treatment.
    public func documentReference(_ summary: ProgressSummary) -> DocumentReference {
        var context = OutboundContext()
        var document = Outbound.progressNote(
            id: summary.id.rawValue, participant: summary.participantID, part2: summary.containsPart2Data,
            narrative: "IOP progress note; the summary is in the attachment.", written: summary.authoredAt,
            author: context.reference(to: summary.author), description: "IOP progress summary",
            text: ProgressNoteText.document(summary))
        document.context = DocumentReference.Context(period: Outbound.period(summary.period))
        document.contained = context.contained
        return document
    }

    public func consent(_ consent: DisclosureConsent) -> Consent {
        var record = Consent(
            id: FHIRId(consent.id.rawValue),
            meta: Outbound.meta(profile: IOPCanonical.Profile.disclosureConsent, restricted: false, part2: false),
            text: Outbound.narrative(["Disclosure consent to \(consent.recipients.count) practice(s), "
                                      + (consent.revokedAt == nil ? "in force." : "revoked.")]),
            status: FHIRCode(consent.revokedAt == nil ? "active" : "inactive"),
            scope: Outbound.concept(Terminology.consentScope, "patient-privacy"),
            category: [Outbound.concept(Terminology.loinc, Terminology.patientConsentCode),
                       Outbound.concept(Terminology.actCode, "IDSCL")])
        record.extension = [Extension(url: IOPCanonical.Extension.part2Covered, value: .boolean(FHIRBoolean(consent.coversPart2Records)))]
        if let revokedAt = consent.revokedAt {
            record.extension.append(Extension(url: IOPCanonical.Extension.revokedAt, value: .dateTime(Outbound.dateTime(revokedAt))))
        }
        record.patient = Outbound.patientReference(consent.participantID)
        record.dateTime = Outbound.dateTime(consent.signedAt)
        record.policyRule = Outbound.concept(Terminology.consentPolicy, "hipaa-auth")
        var provision = Consent.Provision()
        provision.type = FHIRCode("permit")
        provision.period = Outbound.period(consent.period)
        provision.actor = consent.recipients.sorted().map { practice in
            Consent.Provision.Actor(role: Outbound.concept(Terminology.participationType, "IRCP"),
                                    reference: Outbound.practiceReference(practice))
        }
        provision.action = [Outbound.concept(Terminology.consentAction, "disclose")]
        if consent.coversPart2Records { provision.securityLabel = [Outbound.coding(SecurityLabel.part2.0, SecurityLabel.part2.1)] }
        provision.purpose = consent.purposes.sorted().map { purpose in
            let code = switch purpose {
            case .treatment: "TREAT"
            case .payment: "HPAYMT"
            case .operations: "HOPERAT"
            }
            return Outbound.coding(Terminology.actReason, code)
        }
        if consent.categories != Set(DisclosureCategory.allCases) {
            provision.class = consent.categories.sorted().map { Outbound.coding(IOPCanonical.CodeSystem.disclosureCategory, $0.rawValue) }
        }
        record.provision = provision
        return record
    }

    /// Every record as a Bundle entry with the gateway's own URL as `fullUrl`.
    public func bundle(_ records: DomainRecords, type: String = "collection") -> FHIRResources.Bundle {
        var resources: [AnyResource] = []
        resources += records.practices.map { .organization(organization($0)) }
        resources += records.participants.map { .patient(patient($0)) }
        resources += records.enrolments.map { .serviceRequest(serviceRequest($0)) }
        resources += records.treatmentPlans.map { .carePlan(carePlan($0)) }
        resources += records.sessions.map { .appointment(appointment($0)) }
        resources += records.medicationOrders.map { .medicationRequest(medicationRequest($0)) }
        resources += records.careMessages.map { .communication(communication($0)) }
        resources += records.consents.map { .consent(consent($0)) }
        resources += records.progressSummaries.map { .documentReference(documentReference($0)) }
        let entries = resources.map { resource in
            FHIRResources.Bundle.Entry(fullUrl: FHIRUri(IOPCanonical.base + "/" + resource.resourceType + "/" + (resource.resourceID ?? "")),
                         resource: resource)
        }
        return FHIRResources.Bundle(type: FHIRCode(type), entry: entries)
    }
}
