/// Comparison and calendar arithmetic of partial dates and times (FHIRPath N1 §6.6, §5.5).
extension FHIRPathDateTime {
    /// Units a date or time can be moved by: the calendar durations of N1 §6.6.
    enum DurationUnit: Int, Sendable {
        case year, month, week, day, hour, minute, second, millisecond
    }

    private var epochMilliseconds: Int {
        let days = kind == .time ? 0 : CalendarMath.days(year: year, month: month, day: day)
        return days * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + millisecond
    }

    private mutating func setEpochMilliseconds(_ total: Int) {
        let dayLength = 86_400_000
        var days = total / dayLength
        var rest = total % dayLength
        if rest < 0 {
            rest += dayLength
            days -= 1
        }
        if kind != .time {
            (year, month, day) = CalendarMath.civil(days: days)
        }
        hour = rest / 3_600_000
        minute = rest / 60000 % 60
        second = rest / 1000 % 60
        millisecond = rest % 1000
    }

    /// The same instant in UTC, when the value has a zone and a time of day.
    private var inUTC: FHIRPathDateTime {
        guard let offset = timeZoneOffset, offset != 0, precision >= .hour, kind == .dateTime else { return self }
        var shifted = self
        shifted.setEpochMilliseconds(epochMilliseconds - offset * 60000)
        shifted.timeZoneOffset = 0
        return shifted
    }

    /// Seconds and milliseconds are one precision for comparison (N1 §6.1.1).
    private var comparisonLevel: Int { min(precision.rawValue, Precision.second.rawValue) }

    private func component(_ level: Int) -> Int {
        switch level {
        case 0: year
        case 1: month
        case 2: day
        case 3: hour
        case 4: minute
        default: second * 1000 + millisecond
        }
    }

    /// -1, 0 or 1; `nil` when the answer depends on precision one of them lacks, or when the
    /// kinds cannot be compared (a time with a date).
    static func compare(_ lhs: FHIRPathDateTime, _ rhs: FHIRPathDateTime) -> Int? {
        guard (lhs.kind == .time) == (rhs.kind == .time) else { return nil }
        var left = lhs
        var right = rhs
        let zoned = { (value: FHIRPathDateTime) in value.kind == .dateTime && value.precision >= .hour }
        if zoned(left) && zoned(right) && (left.timeZoneOffset == nil) != (right.timeZoneOffset == nil) {
            // One side local, the other zoned: the offset between them is unknown (N1 §6.1.1).
            return nil
        }
        if left.timeZoneOffset != nil || right.timeZoneOffset != nil {
            left = left.inUTC
            right = right.inUTC
        }
        let firstLevel = lhs.kind == .time ? Precision.hour.rawValue : 0
        let leftLevel = left.comparisonLevel
        let rightLevel = right.comparisonLevel
        let common = min(leftLevel, rightLevel)
        if common >= firstLevel {
            var level = firstLevel
            while level <= common {
                let a = left.component(level)
                let b = right.component(level)
                if a != b { return a < b ? -1 : 1 }
                level += 1
            }
        }
        return leftLevel == rightLevel ? 0 : nil
    }

    /// Moves the value by a whole number of units, keeping its precision: amounts finer than
    /// the precision are truncated to it (N1 §6.6.1: `@2014 + 24 months` is `@2016`).
    func adding(_ amount: Int, _ unit: DurationUnit) -> FHIRPathDateTime {
        var result = self
        switch unit {
        case .year, .month:
            guard kind != .time else { return self }
            var months = unit == .year ? amount * 12 : amount
            if precision == .year { months = months / 12 * 12 }
            let total = year * 12 + (month - 1) + months
            result.year = total >= 0 ? total / 12 : (total - 11) / 12
            result.month = total - result.year * 12 + 1
            result.day = min(day, CalendarMath.daysIn(month: result.month, year: result.year))
        case .week, .day:
            let days = unit == .week ? amount * 7 : amount
            if kind == .time { return self }
            if precision < .day { return precision == .month ? adding(days / 30, .month) : adding(days / 365, .year) }
            result.setEpochMilliseconds(epochMilliseconds + days * 86_400_000)
        case .hour, .minute, .second, .millisecond:
            let factor = [3_600_000, 60000, 1000, 1][unit.rawValue - DurationUnit.hour.rawValue]
            let milliseconds = amount * factor
            if kind != .time && precision <= .day {
                return adding(milliseconds / 86_400_000, .day)
            }
            let step = [3_600_000, 60000, 1000, 1][min(precision.rawValue, 6) - Precision.hour.rawValue]
            var total = epochMilliseconds + milliseconds / step * step
            if kind == .time { total = ((total % 86_400_000) + 86_400_000) % 86_400_000 }
            result.setEpochMilliseconds(total)
        }
        return result
    }
}
