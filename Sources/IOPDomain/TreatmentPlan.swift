import Foundation

/// A participant's IOP treatment plan: goals, planned activities, overall intensity and period.
///
/// An IOP is defined by its intensity (typically three to five days a week), so
/// `sessionsPerWeek` is held on the plan itself, not only derived from activities: payers and
/// PCPs ask for that one figure.
public struct TreatmentPlan: Hashable, Sendable, Codable, Identifiable {
    public typealias ID = EntityID<TreatmentPlan>

    /// Three sessions a day, seven days a week: more is not an outpatient program.
    public static let sessionsPerWeekRange = 1...21

    public let id: ID
    public let participantID: Participant.ID
    public var enrolmentID: Enrolment.ID?
    public internal(set) var status: TreatmentPlanStatus
    public var period: DatePeriod
    public var sessionsPerWeek: Int
    public var goals: [TreatmentGoal]
    public var activities: [TreatmentActivity]
    public var author: Clinician?
    public var createdAt: Date
    /// Whether the plan records substance-use treatment from a Part 2 program (42 CFR Part 2).
    public var containsPart2Data: Bool

    /// - Throws: `invalidValue(.planSessionsPerWeek)` outside `sessionsPerWeekRange`.
    public init(id: ID, participantID: Participant.ID, enrolmentID: Enrolment.ID? = nil, status: TreatmentPlanStatus = .draft,
                period: DatePeriod, sessionsPerWeek: Int, goals: [TreatmentGoal] = [], activities: [TreatmentActivity] = [],
                author: Clinician? = nil, createdAt: Date, containsPart2Data: Bool = false) throws(DomainError) {
        guard TreatmentPlan.sessionsPerWeekRange.contains(sessionsPerWeek) else { throw .invalidValue(.planSessionsPerWeek) }
        self.id = id
        self.participantID = participantID
        self.enrolmentID = enrolmentID
        self.status = status
        self.period = period
        self.sessionsPerWeek = sessionsPerWeek
        self.goals = goals
        self.activities = activities
        self.author = author
        self.createdAt = createdAt
        self.containsPart2Data = containsPart2Data
    }

    /// Moves the plan to `status`.
    ///
    /// - Throws: `illegalPlanTransition` when not among `TreatmentPlanStatus.legalSuccessors`.
    public mutating func transition(to status: TreatmentPlanStatus) throws(DomainError) {
        guard self.status.legalSuccessors.contains(status) else { throw .illegalPlanTransition(from: self.status, to: status) }
        self.status = status
    }
}
