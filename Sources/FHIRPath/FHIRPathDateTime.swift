/// A System `Date`, `DateTime` or `Time` with partial precision and an optional time zone
/// (FHIRPath N1 §"Date/DateTime/Time"): `@2015`, `@2015-02-04T14:34+10:00`, `@T14:34`.
///
/// Fields below `precision` hold their minimum value and take no part in comparison.
public struct FHIRPathDateTime: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable { case date, dateTime, time }

    public enum Precision: Int, Sendable, Hashable, Comparable {
        case year, month, day, hour, minute, second, millisecond
        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public var kind: Kind
    public var precision: Precision
    public var year = 0
    public var month = 1
    public var day = 1
    public var hour = 0
    public var minute = 0
    public var second = 0
    public var millisecond = 0
    /// Minutes east of UTC; `nil` when the value carries no zone.
    public var timeZoneOffset: Int?

    public init(kind: Kind, precision: Precision) {
        self.kind = kind
        self.precision = precision
    }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var text = ""
        if kind != .time {
            text += pad(year, 4)
            if precision >= .month { text += "-" + pad(month, 2) }
            if precision >= .day { text += "-" + pad(day, 2) }
            if kind == .dateTime && precision <= .day { text += "T" }
        }
        if precision >= .hour {
            text += (kind == .time ? "" : "T") + pad(hour, 2)
            if precision >= .minute { text += ":" + pad(minute, 2) }
            if precision >= .second { text += ":" + pad(second, 2) }
            if precision >= .millisecond { text += "." + pad(millisecond, 3) }
        }
        if kind == .dateTime, precision >= .hour, let offset = timeZoneOffset {
            if offset == 0 {
                text += "Z"
            } else {
                text += (offset < 0 ? "-" : "+") + pad(abs(offset) / 60, 2) + ":" + pad(abs(offset) % 60, 2)
            }
        }
        return text
    }
}

extension FHIRPathDateTime {
    /// Parses a FHIRPath literal body (after `@`) or a FHIR `date`, `dateTime`, `instant` or
    /// `time` lexeme. `kind` is what the caller expects; `nil` infers it from the text.
    public init?(parsing text: String, as expected: Kind? = nil) {
        var scanner = TemporalScanner(Array(text.utf8))
        guard let value = scanner.parse(expected: expected), scanner.atEnd else { return nil }
        self = value
    }
}

/// The small hand-written scanner behind `FHIRPathDateTime(parsing:)`.
private struct TemporalScanner {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position == bytes.count }

    func peek(_ ahead: Int = 0) -> UInt8 { position + ahead < bytes.count ? bytes[position + ahead] : 0 }

    mutating func number(_ width: Int) -> Int? {
        guard position + width <= bytes.count else { return nil }
        var value = 0
        for index in position..<(position + width) {
            let byte = bytes[index]
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        position += width
        return value
    }

    mutating func accept(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        position += 1
        return true
    }

    mutating func parse(expected: FHIRPathDateTime.Kind?) -> FHIRPathDateTime? {
        if expected == .time || (expected == nil && peek() == UInt8(ascii: "T")) {
            if expected == nil { position += 1 }
            var value = FHIRPathDateTime(kind: .time, precision: .hour)
            guard parseTime(into: &value) else { return nil }
            return value
        }
        var value = FHIRPathDateTime(kind: .date, precision: .year)
        guard let year = number(4) else { return nil }
        value.year = year
        if accept(UInt8(ascii: "-")) {
            guard let month = number(2), month >= 1, month <= 12 else { return nil }
            value.month = month
            value.precision = .month
            if accept(UInt8(ascii: "-")) {
                guard let day = number(2), day >= 1, day <= CalendarMath.daysIn(month: month, year: year) else {
                    return nil
                }
                value.day = day
                value.precision = .day
            }
        }
        if accept(UInt8(ascii: "T")) {
            guard expected != .date else { return nil }
            value.kind = .dateTime
            if !atEnd {
                guard parseTime(into: &value) else { return nil }
                guard parseZone(into: &value) else { return nil }
            }
        } else if expected == .dateTime {
            value.kind = .dateTime
        }
        return value
    }

    mutating func parseTime(into value: inout FHIRPathDateTime) -> Bool {
        guard let hour = number(2), hour < 24 else { return false }
        value.hour = hour
        value.precision = .hour
        guard accept(UInt8(ascii: ":")) else { return true }
        guard let minute = number(2), minute < 60 else { return false }
        value.minute = minute
        value.precision = .minute
        guard accept(UInt8(ascii: ":")) else { return true }
        guard let second = number(2), second < 60 else { return false }
        value.second = second
        value.precision = .second
        guard accept(UInt8(ascii: ".")) else { return true }
        var digits = 0
        var millisecond = 0
        while peek() >= 0x30 && peek() <= 0x39 {
            if digits < 3 { millisecond = millisecond * 10 + Int(peek() - 0x30) }
            digits += 1
            position += 1
        }
        guard digits > 0 else { return false }
        for _ in digits..<max(digits, 3) { millisecond *= 10 }
        value.millisecond = millisecond
        value.precision = .millisecond
        return true
    }

    mutating func parseZone(into value: inout FHIRPathDateTime) -> Bool {
        if accept(UInt8(ascii: "Z")) {
            value.timeZoneOffset = 0
            return true
        }
        let sign: Int
        if accept(UInt8(ascii: "+")) {
            sign = 1
        } else if accept(UInt8(ascii: "-")) {
            sign = -1
        } else {
            return true
        }
        guard let hours = number(2), accept(UInt8(ascii: ":")), let minutes = number(2) else { return false }
        value.timeZoneOffset = sign * (hours * 60 + minutes)
        return true
    }
}

/// Proleptic Gregorian calendar arithmetic, enough for FHIRPath date math and zone shifts.
enum CalendarMath {
    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
