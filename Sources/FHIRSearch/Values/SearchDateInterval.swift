import GatewayStore

/// The closed interval of instants a FHIR date, dateTime or instant covers at its precision
/// (FHIR R4 search.html §3.1.1.4.2), at microsecond resolution: `2016` is
/// 2016-01-01T00:00:00.000000Z … 2016-12-31T23:59:59.999999Z, `2024-05-01T10:00:00+02:00` is
/// 08:00:00.000000Z … 08:00:00.999999Z. The index stores dates this way and the query side turns
/// a search value into one with the same rules.
///
/// A value with a time but no zone is read as UTC (the gateway's zone, to be stated in
/// `/metadata`); a date without a time has no zone and is taken as a UTC day. Search values may
/// stop at minutes (`2024-05-01T10:00`), which FHIR dateTime values may not: both are accepted.
/// Fractions beyond six digits are cut to microseconds.
public struct SearchDateInterval: Hashable, Sendable {
    public var low: StoreTimestamp
    public var high: StoreTimestamp

    public init(low: StoreTimestamp, high: StoreTimestamp) {
        self.low = low
        self.high = high
    }

    /// Nil when the text is not a date, dateTime or instant (or a month or day out of range).
    public init?(lexeme: String) {
        var scanner = DateScanner(Array(lexeme.utf8))
        guard let year = scanner.digits(4) else { return nil }
        var month = 1
        var day = 1
        var hour = 0
        var minute = 0
        var second = 0
        var micros: Int64 = 0
        var offsetSeconds = 0
        // How long the interval is, in microseconds, or a count of months for years and months.
        var spanMonths = 12
        var spanMicros: Int64 = 0
        if scanner.take("-") {
            guard let parsedMonth = scanner.digits(2), (1...12).contains(parsedMonth) else { return nil }
            month = parsedMonth
            spanMonths = 1
            if scanner.take("-") {
                guard let parsedDay = scanner.digits(2), parsedDay >= 1, parsedDay <= Self.daysIn(year, parsedMonth)
                else { return nil }
                day = parsedDay
                spanMonths = 0
                spanMicros = 86_400_000_000
                if scanner.take("T"), !scanner.atEnd {
                    guard let parsedHour = scanner.digits(2), parsedHour < 24, scanner.take(":"),
                          let parsedMinute = scanner.digits(2), parsedMinute < 60
                    else { return nil }
                    hour = parsedHour
                    minute = parsedMinute
                    spanMicros = 60_000_000
                    if scanner.take(":") {
                        guard let parsedSecond = scanner.digits(2), parsedSecond < 61 else { return nil }
                        second = min(parsedSecond, 59)
                        spanMicros = 1_000_000
                        if scanner.take(".") {
                            var count = 0
                            while let digit = scanner.digit() {
                                if count < 6 { micros = micros * 10 + Int64(digit) }
                                count += 1
                            }
                            guard count > 0 else { return nil }
                            for _ in min(count, 6)..<6 { micros *= 10 }
                            spanMicros = Self.tenPower(6 - min(count, 6))
                        }
                    }
                    if scanner.take("Z") {
                        offsetSeconds = 0
                    } else if let sign = scanner.sign() {
                        guard let offsetHours = scanner.digits(2), offsetHours <= 14, scanner.take(":"),
                              let offsetMinutes = scanner.digits(2), offsetMinutes < 60
                        else { return nil }
                        offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
                    }
                }
            }
        }
        guard scanner.atEnd else { return nil }
        let days = Int64(Self.daysFromCivil(year, month, day))
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        let low = seconds * 1_000_000 + micros
        let high: Int64
        if spanMonths > 0 {
            var endYear = year
            var endMonth = month + spanMonths
            if endMonth > 12 { endMonth -= 12; endYear += 1 }
            high = Int64(Self.daysFromCivil(endYear, endMonth, 1)) * 86_400_000_000 - 1
        } else {
            high = low + spanMicros - 1
        }
        self.init(low: StoreTimestamp(microsecondsSinceEpoch: low), high: StoreTimestamp(microsecondsSinceEpoch: high))
    }

    private static func tenPower(_ power: Int) -> Int64 {
        var result: Int64 = 1
        for _ in 0..<power { result *= 10 }
        return result
    }

    static func daysIn(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's civil-days algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// Reads the bytes of a date lexeme left to right.
private struct DateScanner {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position == bytes.count }

    mutating func digit() -> Int? {
        guard position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 else { return nil }
        defer { position += 1 }
        return Int(bytes[position] - 0x30)
    }

    mutating func digits(_ count: Int) -> Int? {
        var value = 0
        for _ in 0..<count {
            guard let digit = digit() else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    mutating func take(_ character: Unicode.Scalar) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
        position += 1
        return true
    }

    mutating func sign() -> Int? {
        if take("+") { return 1 }
        if take("-") { return -1 }
        return nil
    }
}
