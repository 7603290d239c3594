import Foundation

/// Something in the period a PCP should act on or watch. Each flag is built from coded facts
/// (statuses, reason codes, categories), never from staff's free text.
public struct RiskFlag: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// A clinician sent a crisis notice.
        case crisisNotice = "crisis-notice"
        /// Two or more sessions in a row were missed.
        case consecutiveMissedSessions = "consecutive-missed-sessions"
        /// A session did not happen because the participant was in hospital or crisis care.
        case hospitalisation
        /// A treatment goal is getting worse.
        case worseningGoal = "worsening-goal"
    }

    public var kind: Kind
    /// When it happened (the latest occurrence in the period).
    public var date: Date
    /// How many times in the period.
    public var count: Int
    public var containsPart2Data: Bool

    public init(kind: Kind, date: Date, count: Int = 1, containsPart2Data: Bool = false) {
        self.kind = kind
        self.date = date
        self.count = count
        self.containsPart2Data = containsPart2Data
    }
}
