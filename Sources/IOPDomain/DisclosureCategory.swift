/// What kind of information a disclosure carries; a consent lists the kinds it allows.
///
/// There is deliberately no category for psychotherapy notes or session narrative: HIPAA
/// (45 CFR 164.508(a)(2)) requires a separate authorisation for them even between treating
/// providers, and the gateway never sends them at all.
public enum DisclosureCategory: String, Hashable, Comparable, Sendable, Codable, CaseIterable {
    /// Session times, attendance, cancellations.
    case appointments
    case treatmentPlan = "treatment-plan"
    case medications
    /// The periodic summary to the PCP (see `ProgressSummary`).
    case progressSummary = "progress-summary"
    /// Urgent safety information about the participant.
    case crisisNotice = "crisis-notice"
    /// Enrolment, discharge and other administrative news.
    case administrative

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
