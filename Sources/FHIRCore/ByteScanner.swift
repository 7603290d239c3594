/// A cursor over a lexeme's bytes with the grammar pieces of FHIR's primitive regexes.
struct ByteScanner {
    private let bytes: UnsafeRawBufferPointer
    private(set) var index = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var atEnd: Bool { index == bytes.count }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard current == byte else { return false }
        index += 1
        return true
    }

    private mutating func take(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard bytes.count - index >= count else { return false }
        for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] { return false }
        index += count
        return true
    }

    /// Exactly `count` digits, as a number.
    private mutating func digits(_ count: Int) -> Int? {
        guard bytes.count - index >= count else { return nil }
        var value = 0
        for offset in 0..<count {
            let byte = bytes[index + offset]
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        index += count
        return value
    }

    /// One or more digits; returns how many.
    private mutating func digitRun() -> Int {
        let start = index
        while let byte = current, byte >= 0x30 && byte <= 0x39 { index += 1 }
        return index - start
    }

    // MARK: numbers

    /// `-?(0|[1-9][0-9]*)`, the sign only where `minimum` is negative; within `minimum...Int32.max`.
    mutating func checkInteger(minimum: Int64) -> FormatProblem? {
        let negative = minimum < 0 && take(UInt8(ascii: "-"))
        let start = index
        let count = digitRun()
        guard count > 0, atEnd else { return .syntax }
        if count > 1 && bytes[start] == UInt8(ascii: "0") { return .syntax }
        if count > 10 { return .outOfRange }
        var magnitude: Int64 = 0
        for offset in start..<index { magnitude = magnitude * 10 + Int64(bytes[offset] - 0x30) }
        let value = negative ? -magnitude : magnitude
        return value < minimum || value > Int64(Int32.max) ? .outOfRange : nil
    }

    /// JSON's number grammar, which is also R4's decimal regex; the magnitude must stay within
    /// an IEEE double (±1e308) so that every peer, and our own arithmetic, can hold it.
    mutating func checkDecimal() -> FormatProblem? {
        _ = take(UInt8(ascii: "-"))
        let integerStart = index
        let integerDigits = digitRun()
        guard integerDigits > 0 else { return .syntax }
        if integerDigits > 1 && bytes[integerStart] == UInt8(ascii: "0") { return .syntax }
        var fractionStart = index
        var fractionDigits = 0
        if take(UInt8(ascii: ".")) {
            fractionStart = index
            fractionDigits = digitRun()
            guard fractionDigits > 0 else { return .syntax }
        }
        var exponent = 0
        if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
            var negative = false
            if take(UInt8(ascii: "-")) { negative = true } else { _ = take(UInt8(ascii: "+")) }
            let exponentStart = index
            let exponentDigits = digitRun()
            guard exponentDigits > 0 else { return .syntax }
            if exponentDigits > 6 { return atEnd ? .outOfRange : .syntax }
            for offset in exponentStart..<index { exponent = exponent * 10 + Int(bytes[offset] - 0x30) }
            if negative { exponent = -exponent }
        }
        guard atEnd else { return .syntax }
        // The decimal exponent of the leading significant digit.
        var leading: Int?
        for offset in integerStart..<(integerStart + integerDigits) where bytes[offset] != 0x30 {
            leading = integerStart + integerDigits - offset - 1
            break
        }
        if leading == nil {
            for offset in fractionStart..<(fractionStart + fractionDigits) where bytes[offset] != 0x30 {
                leading = -(offset - fractionStart + 1)
                break
            }
        }
        guard let leading else { return nil }  // zero, whatever its exponent
        let magnitude = leading + exponent
        return magnitude > 308 || magnitude < -308 ? .outOfRange : nil
    }

    // MARK: dates and times

    /// YYYY(-MM(-DD)?)?, the year not 0000; a day must exist in its month.
    mutating func checkDate(requireFull: Bool) -> Bool {
        guard let year = digits(4), year > 0 else { return false }
        guard take(UInt8(ascii: "-")) else { return !requireFull }
        guard let month = digits(2), (1...12).contains(month) else { return false }
        guard take(UInt8(ascii: "-")) else { return !requireFull }
        guard let day = digits(2), day >= 1 else { return false }
        return day <= daysIn(month: month, year: year)
    }

    mutating func checkDateTime(requireTime: Bool) -> Bool {
        let start = index
        guard checkDate(requireFull: false) else { return false }
        if atEnd {
            // A partial date is a dateTime, not an instant.
            return !requireTime
        }
        // The time needs the full date: YYYY-MM-DD is exactly ten bytes.
        guard index - start == 10, take(UInt8(ascii: "T")), checkTime() else { return false }
        return checkZone() && atEnd
    }

    /// hh:mm:ss(.s+)?, with a leap second allowed.
    mutating func checkTime() -> Bool {
        guard let hour = digits(2), hour <= 23, take(UInt8(ascii: ":")),
              let minute = digits(2), minute <= 59, take(UInt8(ascii: ":")),
              let second = digits(2), second <= 60
        else { return false }
        if take(UInt8(ascii: ".")) { return digitRun() > 0 }
        return true
    }

    /// Z or ±hh:mm up to ±14:00.
    private mutating func checkZone() -> Bool {
        if take(UInt8(ascii: "Z")) { return true }
        guard take(UInt8(ascii: "+")) || take(UInt8(ascii: "-")) else { return false }
        guard let hour = digits(2), take(UInt8(ascii: ":")), let minute = digits(2), minute <= 59 else { return false }
        return hour <= 13 || (hour == 14 && minute == 0)
    }

    private func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // MARK: identifiers

    mutating func checkOID() -> Bool {
        guard take("urn:oid:"), let first = current, first >= 0x30 && first <= 0x32 else { return false }
        index += 1
        var arcs = 0
        while take(UInt8(ascii: ".")) {
            let start = index
            let count = digitRun()
            guard count > 0, count == 1 || bytes[start] != 0x30 else { return false }
            arcs += 1
        }
        return arcs > 0 && atEnd
    }

    mutating func checkUUID() -> Bool {
        guard take("urn:uuid:") else { return false }
        for (groupIndex, length) in [8, 4, 4, 4, 12].enumerated() {
            if groupIndex > 0 && !take(UInt8(ascii: "-")) { return false }
            for _ in 0..<length {
                guard let byte = current, (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) else {
                    return false
                }
                index += 1
            }
        }
        return atEnd
    }

    /// (\s*([0-9a-zA-Z\+/=]){4}\s*)+
    mutating func checkBase64() -> Bool {
        var groups = 0
        while true {
            while let byte = current, isWhitespace(byte) { index += 1 }
            if atEnd { return groups > 0 }
            for _ in 0..<4 {
                guard let byte = current,
                      isAlphanumeric(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=")
                else { return false }
                index += 1
            }
            groups += 1
        }
    }
}
