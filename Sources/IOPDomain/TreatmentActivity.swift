/// A planned kind of session and its frequency, e.g. group therapy three times a week.
///
/// Modality and frequency are what HIPAA lets a PCP see about therapy (45 CFR 164.501 excludes
/// them from psychotherapy notes), so a plan's activities can be summarised without its notes.
public struct TreatmentActivity: Hashable, Sendable, Codable {
    public var modality: SessionModality
    public var sessionsPerWeek: Int
    public var minutesPerSession: Int
    /// E.g. "DBT skills group". Not a session narrative.
    public var detail: String?

    /// - Throws: `invalidValue(.activitySessionsPerWeek)` unless 1...21, and
    ///   `invalidValue(.activityMinutes)` unless 15...240.
    public init(modality: SessionModality, sessionsPerWeek: Int, minutesPerSession: Int, detail: String? = nil) throws(DomainError) {
        guard TreatmentPlan.sessionsPerWeekRange.contains(sessionsPerWeek) else { throw .invalidValue(.activitySessionsPerWeek) }
        guard (15...240).contains(minutesPerSession) else { throw .invalidValue(.activityMinutes) }
        self.modality = modality
        self.sessionsPerWeek = sessionsPerWeek
        self.minutesPerSession = minutesPerSession
        self.detail = detail
    }
}
