import Foundation

extension Enrolment {
    /// Moves the enrolment to `status`, recording the date and reason.
    ///
    /// - Throws: `illegalEnrolmentTransition` when `status` is not among the current status's
    ///   `legalSuccessors` (a final status allows none; staying in the same status is not a
    ///   step), `changeDatedBeforePrevious(.enrolmentHistory)` when `date` is before the last
    ///   change (histories only move forward; equal dates are allowed, as an intake booked the
    ///   moment a referral is triaged), and `reasonRequired(.enrolmentReason)` when declining
    ///   without a reason. Nothing changes when it throws.
    public mutating func transition(to status: EnrolmentStatus, at date: Date, reason: String? = nil) throws(DomainError) {
        let current = self.status
        guard current.legalSuccessors.contains(status) else {
            throw .illegalEnrolmentTransition(from: current, to: status)
        }
        if let last = history.last, date < last.date { throw .changeDatedBeforePrevious(.enrolmentHistory) }
        if status.requiresReason, !(reason?.hasContent ?? false) { throw .reasonRequired(.enrolmentReason) }
        history.append(EnrolmentStatusChange(status: status, date: date, reason: reason))
    }

    /// Whether `transition(to:at:reason:)` would accept `status` now (dates and reasons aside).
    public func canTransition(to status: EnrolmentStatus) -> Bool {
        self.status.legalSuccessors.contains(status)
    }
}
