/// Everything the program holds about one participant, read together: what summaries are
/// composed from and what the update triggers compare before and after a change.
public struct ParticipantRecords: Hashable, Sendable {
    public var participant: Participant
    /// The participant's PCP practice, when one is on record.
    public var practice: PrimaryCarePractice?
    public var enrolments: [Enrolment]
    public var sessions: [ProgramSession]
    public var treatmentPlans: [TreatmentPlan]
    public var medicationOrders: [MedicationOrder]
    /// Medication changes as the gateway observed them (a status or dose change has no date of
    /// its own in a prescription), so a summary can list the changes of its period.
    public var medicationChanges: [MedicationChange]
    public var careMessages: [CareMessage]
    public var consents: [DisclosureConsent]

    public init(participant: Participant, practice: PrimaryCarePractice? = nil, enrolments: [Enrolment] = [],
                sessions: [ProgramSession] = [], treatmentPlans: [TreatmentPlan] = [], medicationOrders: [MedicationOrder] = [],
                medicationChanges: [MedicationChange] = [], careMessages: [CareMessage] = [], consents: [DisclosureConsent] = []) {
        self.participant = participant
        self.practice = practice
        self.enrolments = enrolments
        self.sessions = sessions
        self.treatmentPlans = treatmentPlans
        self.medicationOrders = medicationOrders
        self.medicationChanges = medicationChanges
        self.careMessages = careMessages
        self.consents = consents
    }

    /// The enrolment the program is working on: the most recent referral that is not final, or
    /// else the most recent one.
    public var currentEnrolment: Enrolment? {
        let byReferral = enrolments.sorted { ($0.referredAt, $0.id) < ($1.referredAt, $1.id) }
        return byReferral.last { !$0.status.isFinal } ?? byReferral.last
    }

    /// The active treatment plan, or else the most recently created one.
    public var currentPlan: TreatmentPlan? {
        let byCreation = treatmentPlans.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        return byCreation.last { $0.status == .active } ?? byCreation.last
    }

    /// Sessions in time order (ties by id, so the order is stable).
    public var sessionsInOrder: [ProgramSession] {
        sessions.sorted { ($0.scheduledStart, $0.id) < ($1.scheduledStart, $1.id) }
    }
}
