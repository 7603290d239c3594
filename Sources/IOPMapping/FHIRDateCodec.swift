import Foundation
import IOPDomain

/// FHIR `date`, `dateTime` and `instant` lexemes ⇄ `Date`, with plain calendar arithmetic
/// (no formatter, no locale, no time-zone database), so results are the same everywhere.
///
/// A `dateTime` without a time (`2026-11-16`) has no zone either; it is read as midnight UTC,
/// the one reading that does not depend on the server's zone. Partial dates (`2026`, `2026-11`)
/// are read as their first day.
enum FHIRDateCodec {
    /// `YYYY-MM-DDThh:mm:ssZ`, with milliseconds only when the date has a fraction.
    static func instant(_ date: Date) -> String {
        let total = date.timeIntervalSince1970
        let seconds = total.rounded(.down)
        let millis = Int(((total - seconds) * 1000).rounded())
        var whole = Int64(seconds)
        var extraMillis = millis
        if extraMillis >= 1000 { whole += 1; extraMillis -= 1000 }
        let days = Int(floorDiv(whole, 86_400))
        let secondOfDay = Int(whole - Int64(days) * 86_400)
        let (year, month, day) = civil(fromDays: days)
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        if extraMillis != 0 { text += "." + pad(extraMillis, 3) }
        return text + "Z"
    }

    /// Reads any of the three lexemes; `nil` for text that is none of them.
    static func date(_ lexeme: String) -> Date? {
        let bytes = Array(lexeme.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4) else { return nil }
        var month = 1, day = 1
        if bytes.count >= 7 { guard bytes[4] == 0x2D, let value = number(5..<7) else { return nil }; month = value }
        if bytes.count >= 10 { guard bytes[7] == 0x2D, let value = number(8..<10) else { return nil }; day = value }
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        var seconds = Double(days(fromYear: year, month: month, day: day)) * 86_400
        guard bytes.count > 10 else { return bytes.count == 4 || bytes.count == 7 || bytes.count == 10 ? Date(timeIntervalSince1970: seconds) : nil }
        guard bytes[10] == 0x54, let hour = number(11..<13), bytes.count > 16, bytes[13] == 0x3A,
              let minute = number(14..<16) else { return nil }
        var index = 16
        var second = 0.0
        if index < bytes.count, bytes[index] == 0x3A {
            guard let whole = number(17..<19) else { return nil }
            second = Double(whole)
            index = 19
            if index < bytes.count, bytes[index] == 0x2E {
                var scale = 0.1
                index += 1
                while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                    second += Double(bytes[index] - 0x30) * scale
                    scale /= 10
                    index += 1
                }
            }
        }
        seconds += Double(hour * 3600 + minute * 60) + second
        guard index < bytes.count else { return nil }
        if bytes[index] == 0x5A { return index + 1 == bytes.count ? Date(timeIntervalSince1970: seconds) : nil }
        guard bytes[index] == 0x2B || bytes[index] == 0x2D, let offsetHours = number((index + 1)..<(index + 3)),
              index + 6 == bytes.count, bytes[index + 3] == 0x3A, let offsetMinutes = number((index + 4)..<(index + 6))
        else { return nil }
        let offset = Double(offsetHours * 3600 + offsetMinutes * 60)
        seconds += bytes[index] == 0x2B ? -offset : offset
        return Date(timeIntervalSince1970: seconds)
    }

    /// `YYYY-MM-DD` of a calendar date.
    static func date(_ calendarDate: CalendarDate) -> String { calendarDate.description }

    // Howard Hinnant's days-from-civil and civil-from-days.
    static func days(fromYear year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
