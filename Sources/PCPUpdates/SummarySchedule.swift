import Foundation
import IOPDomain

/// When a participant's PCP gets a progress summary: every `everyDays` days from the day the
/// participant became active, each summary covering the period just ended.
public struct SummarySchedule: Hashable, Sendable, Codable {
    public static let defaultEveryDays = 7

    public var everyDays: Int
    /// The end of the last period a summary was queued for.
    public var lastPeriodEnd: Date?

    public init(everyDays: Int = SummarySchedule.defaultEveryDays, lastPeriodEnd: Date? = nil) {
        self.everyDays = everyDays
        self.lastPeriodEnd = lastPeriodEnd
    }

    /// The last whole period before `now` counted from `anchor`, or nil when the first has not
    /// ended yet. Both ends are inclusive (`DatePeriod`), so the end is a millisecond before
    /// the next period starts and no session is counted twice.
    public func lastCompletedPeriod(anchor: Date, now: Date) -> DatePeriod? {
        let length = TimeInterval(everyDays * 86_400)
        let elapsed = now.timeIntervalSince(anchor)
        guard length > 0, elapsed >= length else { return nil }
        let completed = (elapsed / length).rounded(.down)
        let start = anchor.addingTimeInterval((completed - 1) * length)
        return try? DatePeriod(start: start, end: start.addingTimeInterval(length - 0.001))
    }
}
