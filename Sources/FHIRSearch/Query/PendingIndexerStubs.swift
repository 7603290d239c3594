import Foundation
import GatewayStore

// Interim versions of what the indexer exports (FHIRSearch/Index), so the query side builds
// before it lands; replaced by the indexer's own when merged.

public enum SearchText {
    public static func normalized(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }
}

public enum SearchDateInterval {
    /// A FHIR date, dateTime or instant (seconds optional in a search) as the closed interval
    /// its precision covers; a value without a zone is UTC.
    public static func interval(_ lexeme: String) -> (low: StoreTimestamp, high: StoreTimestamp)? {
        let bytes = Array(lexeme.utf8)
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = digits(0, 4) else { return nil }
        var month = 1, day = 1, hour = 0, minute = 0, second = 0, micros = 0
        var unit: Calendar.Component = .year
        var index = 4
        var offsetSeconds = 0
        if index < bytes.count {
            guard bytes[index] == 0x2D, let value = digits(index + 1, 2) else { return nil }
            month = value; unit = .month; index += 3
        }
        if index < bytes.count {
            guard bytes[index] == 0x2D, let value = digits(index + 1, 2) else { return nil }
            day = value; unit = .day; index += 3
        }
        if index < bytes.count {
            guard bytes[index] == 0x54, let h = digits(index + 1, 2), index + 3 < bytes.count, bytes[index + 3] == 0x3A,
                  let m = digits(index + 4, 2)
            else { return nil }
            hour = h; minute = m; unit = .minute; index += 6
            if index < bytes.count, bytes[index] == 0x3A {
                guard let s = digits(index + 1, 2) else { return nil }
                second = s; unit = .second; index += 3
                if index < bytes.count, bytes[index] == 0x2E {
                    var count = 0
                    index += 1
                    var fraction = 0
                    while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                        if count < 6 { fraction = fraction * 10 + Int(bytes[index] - 0x30) }
                        count += 1; index += 1
                    }
                    guard count > 0 else { return nil }
                    if count < 6 { for _ in count..<6 { fraction *= 10 } }
                    micros = fraction
                    unit = .nanosecond
                }
            }
            if index < bytes.count {
                if bytes[index] == 0x5A {
                    index += 1
                } else if bytes[index] == 0x2B || bytes[index] == 0x2D, let h = digits(index + 1, 2),
                          index + 3 < bytes.count, bytes[index + 3] == 0x3A, let m = digits(index + 4, 2) {
                    offsetSeconds = (h * 3600 + m * 60) * (bytes[index] == 0x2B ? 1 : -1)
                    index += 6
                } else {
                    return nil
                }
            }
        }
        guard index == bytes.count, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60 else {
            return nil
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let start = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)),
              calendar.component(.day, from: start) == day
        else { return nil }
        let low = StoreTimestamp(microsecondsSinceEpoch: StoreTimestamp(start).microsecondsSinceEpoch + Int64(micros) - Int64(offsetSeconds) * 1_000_000)
        let high: StoreTimestamp
        if unit == .nanosecond {
            high = low
        } else {
            guard let end = calendar.date(byAdding: unit, value: 1, to: start) else { return nil }
            high = StoreTimestamp(microsecondsSinceEpoch: StoreTimestamp(end).microsecondsSinceEpoch - 1 - Int64(offsetSeconds) * 1_000_000)
        }
        return (low, high)
    }
}

public enum SearchNumberInterval {
    /// A decimal as the interval its precision implies: `100` is [99.5, 100.5], `5.40` is
    /// [5.395, 5.405], `1e2` is [50, 150].
    public static func interval(_ lexeme: String) -> (low: Double, high: Double)? {
        guard let value = Double(lexeme), value.isFinite, lexeme.first != "+",
              lexeme.allSatisfy({ $0.isNumber || "-.eE+".contains($0) })
        else { return nil }
        var mantissa = Substring(lexeme)
        var exponent = 0
        if let e = lexeme.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = lexeme[..<e]
            exponent = Int(lexeme[lexeme.index(after: e)...]) ?? 0
        }
        let decimals = mantissa.firstIndex(of: ".").map { mantissa.distance(from: $0, to: mantissa.endIndex) - 1 } ?? 0
        let half = 0.5 * pow(10, Double(exponent - decimals))
        return (value - half, value + half)
    }
}
