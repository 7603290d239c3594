/// One goal of a treatment plan, in words a PCP can read.
public struct TreatmentGoal: Hashable, Sendable, Codable {
    /// E.g. "Reduce depressive symptoms".
    public var description: String
    /// How progress is judged, e.g. "PHQ-9 below 10".
    public var measure: String?
    public var achievement: GoalAchievement

    public init(description: String, measure: String? = nil, achievement: GoalAchievement = .inProgress) {
        self.description = description
        self.measure = measure
        self.achievement = achievement
    }
}

/// How far a goal has been reached. Raw values are FHIR `goal-achievement` codes.
public enum GoalAchievement: String, Hashable, Sendable, Codable, CaseIterable {
    case inProgress = "in-progress"
    case improving
    case worsening
    case noChange = "no-change"
    case achieved
    case notAchieved = "not-achieved"
}
