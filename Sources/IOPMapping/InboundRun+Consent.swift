import FHIRCore
import FHIRResources
import Foundation
import IOPDomain

/// Consent (iop-disclosure-consent) → DisclosureConsent.
extension InboundRun {
    func mapConsent(_ consent: Consent, at position: Int) {
        var warnings: [Issue] = []
        let statusCode = consent.status.value ?? ""
        if statusCode == "entered-in-error" || statusCode == "draft" || statusCode == "proposed" {
            verdicts[position] = .notForIOP(reason: "A consent in status '\(statusCode)' permits nothing; it is stored as received and not mapped")
            return
        }
        guard let participantID = participant(for: consent.patient, from: position) else {
            unplaced(position, "patient", "The consent's patient is not a Patient in the input")
            return
        }
        guard let provision = consent.provision else {
            refuse(position, "provision", .required, "The consent has no provision naming recipients")
            return
        }
        if provision.type?.value == "deny" {
            verdicts[position] = .notForIOP(reason: "A consent that denies disclosure permits nothing; it is stored as received and not mapped")
            return
        }
        var recipients: Set<PrimaryCarePractice.ID> = []
        for (index, actor) in provision.actor.enumerated() where actor.role.code(in: Terminology.participationType) == "IRCP" {
            if let provider = provider(for: actor.reference, from: position) {
                recipients.insert(provider.practiceID)
            } else {
                warnings.append(warning(position, "provision.actor[\(index)]", "A recipient does not resolve to a practice in the input"))
            }
        }
        guard !recipients.isEmpty else {
            refuse(position, "provision.actor", .required, "The consent names no recipient (role IRCP) that resolves to a practice")
            return
        }
        var categories = Set(provision.class.compactMap { coding -> DisclosureCategory? in
            coding.system?.value == IOPCanonical.CodeSystem.disclosureCategory ? coding.code?.value.flatMap(DisclosureCategory.init(rawValue:)) : nil
        })
        // A permit with no class limits applies to all information (consent.html#provision).
        if categories.isEmpty { categories = Set(DisclosureCategory.allCases) }
        var purposes: Set<DisclosurePurpose> = []
        for coding in provision.purpose where coding.system?.value == Terminology.actReason {
            switch coding.code?.value {
            case "TREAT": purposes.insert(.treatment)
            case "HPAYMT": purposes.insert(.payment)
            case "HOPERAT": purposes.insert(.operations)
            default: warnings.append(warning(position, "provision.purpose", "A purpose other than treatment, payment or operations is not carried"))
            }
        }
        if purposes.isEmpty {
            purposes = [.treatment]
            warnings.append(warning(position, "provision.purpose", "The consent states no known purpose; treatment is recorded"))
        }
        let coversPart2: Bool
        if case .boolean(let flag)? = consent.extension.value(of: IOPCanonical.Extension.part2Covered), let value = flag.bool {
            coversPart2 = value
        } else {
            coversPart2 = provision.securityLabel.contains { $0.code?.value == "42CFRPart2" }
        }
        guard let signedAt = date(consent.dateTime?.value) else {
            refuse(position, "dateTime", .required, "The consent has no date it was given")
            return
        }
        guard let period = try? DatePeriod(start: date(provision.period?.start?.value), end: date(provision.period?.end?.value)) else {
            refuse(position, "provision.period", .invalid, "The consent period ends before it starts")
            return
        }
        var revokedAt: Date?
        if statusCode == "inactive" || statusCode == "rejected" {
            if case .dateTime(let when)? = consent.extension.value(of: IOPCanonical.Extension.revokedAt), let value = date(when.value) {
                revokedAt = max(value, signedAt)
            } else {
                revokedAt = signedAt
                warnings.append(warning(position, "status",
                                        "The consent is withdrawn without a revocation date; it is recorded as revoked from its signature, the cautious reading"))
            }
        }
        do throws(DomainError) {
            let record = try DisclosureConsent(id: recordID("consent", at: position), participantID: participantID, recipients: recipients,
                                               categories: categories, purposes: purposes, coversPart2Records: coversPart2,
                                               period: period, signedAt: signedAt, revokedAt: revokedAt)
            records.consents.append(record)
            verdicts[position] = .mapped(warnings: warnings)
        } catch {
            refuse(position, nil, .invalid, "The consent breaks a domain rule: \(error.description)")
        }
    }
}
