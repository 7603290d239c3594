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

    /// The whole periods that have ended by `now` and were not reported yet, oldest first, at
    /// most `limit` (the rest come at the next pass): each starts where the last reported one
    /// ended (or at `anchor`), so a gateway that was down for weeks reports every week it missed,
    /// and a changed interval never makes periods overlap. Both ends are inclusive
    /// (`DatePeriod`), so the end is a millisecond before the next period starts and no session is
    /// counted twice.
    public func duePeriods(anchor: Date, now: Date, limit: Int = 8) -> [DatePeriod] {
        let length = TimeInterval(everyDays * 86_400)
        guard length > 0 else { return [] }
        var start = lastPeriodEnd.map { $0.addingTimeInterval(0.001) } ?? anchor
        var periods: [DatePeriod] = []
        while periods.count < limit, start.addingTimeInterval(length) <= now {
            if let period = try? DatePeriod(start: start, end: start.addingTimeInterval(length - 0.001)) { periods.append(period) }
            start = start.addingTimeInterval(length)
        }
        return periods
    }
}
