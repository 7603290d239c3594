import Foundation

/// What the IOP tells a participant's PCP about a period of care.
///
/// Built only from what may leave the program for treatment without a separate authorisation
/// (FHIR-RULES.md, "Psychotherapy notes"): attendance by kind of session with the reason codes,
/// modalities and frequency, diagnoses, test results, treatment goals and their status,
/// medication changes and the medication list, next appointments, risk flags, and the summary
/// passages of `SummarySection.Kind`. There is no field for session narrative, by design.
public struct ProgressSummary: Hashable, Sendable, Identifiable {
    public typealias ID = EntityID<ProgressSummary>

    public let id: ID
    public let participantID: Participant.ID
    public var enrolmentID: Enrolment.ID?
    /// The period reported on.
    public var period: DatePeriod
    public var authoredAt: Date
    public var author: Clinician
    public var attendance: AttendanceSummary
    /// The same counts per kind of session, with reason codes.
    public var attendanceByModality: [ModalityAttendance] = []
    public var modalities: [ModalityFrequency]
    public var diagnoses: [Diagnosis]
    public var assessments: [AssessmentResult]
    public var sections: [SummarySection]
    /// Current medications (see `MedicationOrderStatus.isCurrent`).
    public var medications: [MedicationOrder]
    /// Medication changes the gateway observed in the period.
    public var medicationChanges: [MedicationChange] = []
    /// The goals of the current treatment plan, with how far each has been reached.
    public var goals: [TreatmentGoal] = []
    /// The next booked sessions after the summary was written.
    public var upcomingSessions: [UpcomingSession] = []
    public var riskFlags: [RiskFlag] = []
    /// Whether the summary reports on care in a 42 CFR Part 2 program (the enrolment or the
    /// treatment plan it draws on is a Part 2 record): then everything in it is.
    public var reportsOnPart2Program = false

    /// - Throws: `missingValue(.summaryPeriod)` when the period is not closed: a summary reports
    ///   on a known span.
    public init(id: ID, participantID: Participant.ID, enrolmentID: Enrolment.ID? = nil, period: DatePeriod,
                authoredAt: Date, author: Clinician, attendance: AttendanceSummary, modalities: [ModalityFrequency] = [],
                diagnoses: [Diagnosis] = [], assessments: [AssessmentResult] = [], sections: [SummarySection] = [],
                medications: [MedicationOrder] = []) throws(DomainError) {
        guard period.start != nil, period.end != nil else { throw .missingValue(.summaryPeriod) }
        self.id = id
        self.participantID = participantID
        self.enrolmentID = enrolmentID
        self.period = period
        self.authoredAt = authoredAt
        self.author = author
        self.attendance = attendance
        self.modalities = modalities
        self.diagnoses = diagnoses
        self.assessments = assessments
        self.sections = sections
        self.medications = medications
    }

    /// The text of the first section of `kind`, for renderers.
    public func text(of kind: SummarySection.Kind) -> String? { sections.first { $0.kind == kind }?.text }
}

extension ProgressSummary: Disclosable {
    public var disclosureCategory: DisclosureCategory { .progressSummary }

    /// Derived, never stored: a summary carries Part 2 data when any diagnosis, passage or
    /// medication in it does, so adding a Part 2 medication cannot forget to flag the summary.
    public var containsPart2Data: Bool {
        diagnoses.contains(where: \.isPart2Record) || sections.contains(where: \.isPart2Record)
            || medications.contains(where: \.containsPart2Data) || medicationChanges.contains(where: \.containsPart2Data)
            || attendanceByModality.contains(where: \.containsPart2Data) || upcomingSessions.contains(where: \.containsPart2Data)
            || riskFlags.contains(where: \.containsPart2Data) || reportsOnPart2Program
    }
}
