import Foundation

/// One step in an enrolment's history: what it became, when, and why.
///
/// Reports to the PCP need dates (when intake was booked, when the participant started, when
/// they were discharged), so each step is kept, not only the current status.
public struct EnrolmentStatusChange: Hashable, Sendable, Codable {
    public let status: EnrolmentStatus
    public let date: Date
    /// Free text from staff, e.g. why a referral was declined. May contain clinical detail, so it
    /// stays in the domain row and is never copied into an error.
    public let reason: String?

    public init(status: EnrolmentStatus, date: Date, reason: String? = nil) {
        self.status = status
        self.date = date
        self.reason = reason
    }
}
