import Foundation
import GatewayStore

/// A `date` search value (search.html §3.1.1.4.2: `[prefix]YYYY[-MM[-DD[Thh:mm[:ss[.f…]][zone]]]]`)
/// as the half-open range of instants it selects. A value stands for the whole interval its
/// precision covers: `ge2024-05` starts on 1 May, `lt2024-05` ends before it, `eq2024-05`
/// (or no prefix) is the month. A time without a zone is taken as UTC.
enum DateSearchValue {
    static func range(_ text: String, parameter: String) throws(APIError) -> TimeRange {
        var value = Substring(text)
        var prefix = "eq"
        if let first = value.first, first.isLetter {
            prefix = String(value.prefix(2))
            value = value.dropFirst(2)
        }
        guard let (low, high) = interval(String(value)) else {
            throw APIError(400, .value, "\(parameter) must be a date such as ge2024-05-01 or lt2024-05-01T10:00:00Z")
        }
        switch prefix {
        case "eq": return TimeRange(from: low, to: high)
        case "ge": return TimeRange(from: low, to: nil)
        case "gt": return TimeRange(from: high, to: nil)
        case "le": return TimeRange(from: nil, to: high)
        case "lt": return TimeRange(from: nil, to: low)
        default: throw APIError(400, .notSupported, "\(parameter) supports the prefixes eq, ge, gt, le and lt")
        }
    }

    /// The instants the value covers: `[low, high)`.
    static func interval(_ text: String) -> (StoreTimestamp, StoreTimestamp)? {
        let pattern = #"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$"#
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
        else { return nil }
        func group(_ index: Int) -> String? {
            guard let range = Range(match.range(at: index), in: text) else { return nil }
            return String(text[range])
        }
        guard let year = Int(group(1) ?? "") else { return nil }
        let month = group(2).flatMap(Int.init), day = group(3).flatMap(Int.init)
        let hour = group(4).flatMap(Int.init), minute = group(5).flatMap(Int.init), second = group(6).flatMap(Int.init)
        if let month, !(1...12).contains(month) { return nil }
        if let day, !(1...31).contains(day) { return nil }
        if let hour, hour > 23 { return nil }
        if let minute, minute > 59 { return nil }
        if let second, second > 60 { return nil }
        var offsetSeconds = 0
        if let zone = group(8), zone != "Z" {
            let sign = zone.hasPrefix("-") ? -1 : 1
            let parts = zone.dropFirst().split(separator: ":").compactMap { Int($0) }
            guard parts.count == 2 else { return nil }
            offsetSeconds = sign * (parts[0] * 3600 + parts[1] * 60)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var components = DateComponents(year: year, month: month ?? 1, day: day ?? 1, hour: hour ?? 0, minute: minute ?? 0, second: second ?? 0)
        guard let start = calendar.date(from: components) else { return nil }
        var micros = Int64((start.timeIntervalSince1970).rounded()) * 1_000_000
        if let fraction = group(7) {
            let digits = String((fraction + "000000").prefix(6))
            micros += Int64(digits) ?? 0
        }
        micros -= Int64(offsetSeconds) * 1_000_000
        let low = StoreTimestamp(microsecondsSinceEpoch: micros)
        // The end of the interval the precision covers.
        let span: Int64
        if group(7) != nil {
            span = 1
        } else if second != nil {
            span = 1_000_000
        } else if minute != nil {
            span = 60_000_000
        } else if day != nil {
            span = 86_400_000_000
        } else {
            let (endYear, endMonth) = month.map { $0 == 12 ? (year + 1, 1) : (year, $0 + 1) } ?? (year + 1, 1)
            components = DateComponents(year: endYear, month: endMonth, day: 1)
            guard let end = calendar.date(from: components) else { return nil }
            return (low, StoreTimestamp(microsecondsSinceEpoch: Int64(end.timeIntervalSince1970.rounded()) * 1_000_000))
        }
        return (low, StoreTimestamp(microsecondsSinceEpoch: micros + span))
    }
}
