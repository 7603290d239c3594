/// A domain value that may be sent to a PCP, and so must pass the consent check first.
///
/// Each payload states its own category and whether it holds Part 2 data, so the outbound
/// queue builds the `Disclosure` from the value instead of guessing.
public protocol Disclosable: Sendable {
    var participantID: Participant.ID { get }
    var disclosureCategory: DisclosureCategory { get }
    var containsPart2Data: Bool { get }
}

extension Disclosable {
    /// The disclosure of this value to `practice`.
    public func disclosure(to practice: PrimaryCarePractice.ID, purpose: DisclosurePurpose = .treatment) -> Disclosure {
        Disclosure(participantID: participantID, recipient: practice, category: disclosureCategory, purpose: purpose,
                   containsPart2Data: containsPart2Data)
    }
}

extension ProgramSession: Disclosable {
    public var disclosureCategory: DisclosureCategory { .appointments }
}

extension TreatmentPlan: Disclosable {
    public var disclosureCategory: DisclosureCategory { .treatmentPlan }
}

extension MedicationOrder: Disclosable {
    public var disclosureCategory: DisclosureCategory { .medications }
}

extension Enrolment: Disclosable {
    /// Referral outcomes (intake booked, declined, discharged) are administrative news.
    public var disclosureCategory: DisclosureCategory { .administrative }
}
