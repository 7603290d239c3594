/// Who sends or receives a care message.
public enum CareParty: Hashable, Sendable, Codable {
    /// The IOP as an organisation (automated appointment updates, administrative news).
    case program
    /// A named IOP clinician.
    case iopClinician(Clinician)
    /// A PCP practice, optionally a named clinician there.
    case primaryCare(PrimaryCareProvider)

    /// The practice this party belongs to, when it is primary care: the disclosure recipient.
    public var practiceID: PrimaryCarePractice.ID? {
        if case .primaryCare(let provider) = self { provider.practiceID } else { nil }
    }
}
