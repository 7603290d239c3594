import FHIRCore
import FHIRResources
import Foundation
import IOPDomain

/// What tells the IOP's own treatment plan from a PCP's CarePlan (a referral).
enum TreatmentPlanShape {
    static func isIOPTreatmentPlan(_ plan: CarePlan) -> Bool {
        plan.meta?.profile.contains { $0.value == IOPCanonical.Profile.treatmentPlan } == true
            || plan.category.contains { $0.code(in: IOPCanonical.CodeSystem.carePlanCategory) == IOPCanonical.treatmentPlanCategoryCode }
    }
}

/// ServiceRequest, or a CarePlan that is not the IOP plan → Enrolment in `.referred`.
extension InboundRun {
    func mapReferral(_ request: ServiceRequest, at position: Int) {
        mapReferral(at: position, subject: request.subject, identifiers: request.identifier,
                    requesters: [request.requester].compactMap { $0 },
                    reason: request.reasonCode.first?.readableText ?? request.code?.readableText,
                    dates: [("authoredOn", request.authoredOn?.value)], status: request.status.value, fallbackEncounter: request.encounter)
    }

    func mapReferral(_ plan: CarePlan, at position: Int) {
        var providers: [Reference] = []
        if let author = plan.author { providers.append(author) }
        providers += plan.contributor
        mapReferral(at: position, subject: plan.subject, identifiers: plan.identifier, requesters: providers,
                    reason: plan.description?.value ?? plan.title?.value ?? plan.category.first?.readableText,
                    dates: [("created", plan.created?.value), ("period.start", plan.period?.start?.value)],
                    status: plan.status.value, fallbackEncounter: plan.encounter)
    }

    private func mapReferral(at position: Int, subject: Reference, identifiers: [Identifier], requesters: [Reference],
                             reason: String?, dates: [(String, String?)], status: String?, fallbackEncounter: Reference?) {
        var warnings: [Issue] = []
        guard let participantID = participant(for: subject, from: position) else {
            unplaced(position, "subject", "The referral's subject is not a Patient in the input")
            return
        }
        if status == "entered-in-error" {
            verdicts[position] = .notForIOP(reason: "A referral entered in error is stored as received and not mapped")
            return
        }
        var referringProvider = requesters.lazy.compactMap { self.provider(for: $0, from: position) }.first
        if referringProvider == nil, let encounter = fallbackEncounter,
           case .entry(let encounterPosition)? = input.resolve(encounter, from: position),
           case .other(let element)? = input.entries[encounterPosition].resource,
           let providerElement = element.child("serviceProvider"), let serviceProvider = try? Reference(element: providerElement) {
            referringProvider = provider(for: serviceProvider, from: encounterPosition)
        }
        if referringProvider == nil { referringProvider = participantRecord(participantID)?.primaryCare }
        guard let referringProvider else {
            refuse(position, "requester", .required,
                   "The referring practice is not in the input: no requester, author or service provider resolves, and the participant has no PCP")
            return
        }
        var referredAt: Date?
        for (element, lexeme) in dates {
            if let date = date(lexeme) { referredAt = date; break }
            if lexeme != nil { warnings.append(warning(position, element, "The date is not readable")) }
        }
        if referredAt == nil, let stamp = date(input.timestamp) {
            referredAt = stamp
            warnings.append(warning(position, nil, "The referral has no date; the Bundle's timestamp is used"))
        }
        guard let referredAt else {
            refuse(position, nil, .required, "The referral has no date (authoredOn or created) and the input has no timestamp")
            return
        }
        let referralIdentifiers = identifiers.compactMap(Self.businessIdentifier)
        let resource = input.entries[position].resource
        let enrolment = Enrolment(id: recordID("enrolment", at: position), participantID: participantID,
                                  referralIdentifiers: referralIdentifiers, referringProvider: referringProvider,
                                  referralReason: reason, containsPart2Data: resource?.isLabelledPart2 ?? false,
                                  referredAt: referredAt)
        if let status, status != "active", status != "draft" {
            warnings.append(warning(position, "status", "The referral's status '\(status)' is not carried: the enrolment starts as referred"))
        }
        if let existing = records.enrolments.firstIndex(where: { $0.isSameReferral(as: enrolment) }),
           let merged = try? records.enrolments[existing].merged(with: enrolment) {
            records.enrolments[existing] = merged
        } else {
            records.enrolments.append(enrolment)
        }
        verdicts[position] = .mapped(warnings: warnings)
    }

    /// The enrolment a reference (basedOn, supportingInfo) names, when it is a referral entry
    /// mapped from this input.
    func enrolmentID(for references: [Reference], from position: Int) -> Enrolment.ID? {
        for reference in references {
            guard case .entry(let target)? = input.resolve(reference, from: position) else { continue }
            switch input.entries[target].resource {
            case .serviceRequest: return recordID("enrolment", at: target)
            case .carePlan(let plan) where !TreatmentPlanShape.isIOPTreatmentPlan(plan): return recordID("enrolment", at: target)
            default: continue
            }
        }
        return nil
    }
}
