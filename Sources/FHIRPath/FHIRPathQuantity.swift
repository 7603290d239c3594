import Foundation

/// A System `Quantity`: a decimal with a UCUM unit or a calendar duration keyword
/// (`4 'mg'`, `1 year`), FHIRPath N1 §2.1.6.
public struct FHIRPathQuantity: Sendable, Hashable, CustomStringConvertible {
    public var value: FHIRPathDecimal
    /// A UCUM code (`mg`, `wk`, `1`) or a calendar keyword in the singular (`year`, `day`).
    public var unit: String
    /// True for the calendar keywords, written bare rather than quoted.
    public var isCalendarDuration: Bool

    public init(value: FHIRPathDecimal, unit: String) {
        let singular = unit.hasSuffix("s") && Self.calendarUnits[String(unit.dropLast())] != nil
            ? String(unit.dropLast()) : unit
        self.value = value
        self.isCalendarDuration = Self.calendarUnits[singular] != nil
        self.unit = isCalendarDuration ? singular : unit
    }

    public var description: String {
        isCalendarDuration ? "\(value) \(unit)" : "\(value) '\(unit)'"
    }

    /// Calendar keywords and the UCUM unit each equals (years and months equal none: N1 §2.1.6.1).
    static let calendarUnits: [String: String?] = [
        "year": nil, "month": nil, "week": "wk", "day": "d", "hour": "h", "minute": "min",
        "second": "s", "millisecond": "ms",
    ]

    /// The duration unit this quantity moves a date by, or `nil` (for `'a'`, `'mo'` and non-time units).
    var durationUnit: FHIRPathDateTime.DurationUnit? {
        switch unit {
        case "year": .year
        case "month": .month
        case "week", "wk": .week
        case "day", "d": .day
        case "hour", "h": .hour
        case "minute", "min": .minute
        case "second", "s": .second
        case "millisecond", "ms": .millisecond
        default: nil
        }
    }

    /// Dimension and factor to the dimension's base unit, for the UCUM units clinical data
    /// uses most: time, mass, length, volume, and the dimensionless `1`.
    private static let conversions: [String: (dimension: String, factor: Decimal)] = {
        var table: [String: (String, Decimal)] = [
            "ms": ("time", Decimal(string: "0.001")!), "s": ("time", 1), "min": ("time", 60), "h": ("time", 3600),
            "d": ("time", 86400), "wk": ("time", 604_800), "mo": ("time", 2_629_800), "a": ("time", 31_557_600),
            "week": ("time", 604_800), "day": ("time", 86400), "hour": ("time", 3600), "minute": ("time", 60),
            "second": ("time", 1), "millisecond": ("time", Decimal(string: "0.001")!),
            "[in_i]": ("length", Decimal(string: "0.0254")!), "[ft_i]": ("length", Decimal(string: "0.3048")!),
            "[lb_av]": ("mass", Decimal(string: "453.59237")!), "[oz_av]": ("mass", Decimal(string: "28.349523125")!),
            "1": ("one", 1), "%": ("one", Decimal(string: "0.01")!),
        ]
        let prefixes: [(String, Decimal)] = [
            ("", 1), ("k", 1000), ("d", Decimal(string: "0.1")!), ("c", Decimal(string: "0.01")!),
            ("m", Decimal(string: "0.001")!), ("u", Decimal(string: "0.000001")!),
            ("n", Decimal(string: "0.000000001")!), ("p", Decimal(string: "0.000000000001")!),
        ]
        for (base, dimension) in [("g", "mass"), ("m", "length"), ("L", "volume"), ("l", "volume")] {
            for (prefix, factor) in prefixes where table[prefix + base] == nil {
                table[prefix + base] = (dimension, factor)
            }
        }
        table["mcg"] = ("mass", Decimal(string: "0.000001")!)
        return table
    }()

    /// This quantity's value in its dimension's base unit.
    private var baseValue: (dimension: String, value: Decimal)? {
        guard let conversion = Self.conversions[unit] else { return nil }
        return (conversion.dimension, value.value * conversion.factor)
    }

    /// Whether both can be compared: same unit, or units of one dimension.
    func isComparable(to other: FHIRPathQuantity) -> Bool {
        if unit == other.unit { return true }
        if isYearOrMonth != other.isYearOrMonth { return false }
        guard let left = baseValue, let right = other.baseValue else { return false }
        return left.dimension == right.dimension
    }

    /// This quantity's value expressed in `unit`, when the two can be compared.
    func value(in unit: String) -> Decimal? {
        if unit == self.unit { return value.value }
        let other = FHIRPathQuantity(value: FHIRPathDecimal(1), unit: unit)
        guard isComparable(to: other), let mine = baseValue, let factor = Self.conversions[other.unit]?.factor else {
            return nil
        }
        return mine.value / factor
    }

    private var isYearOrMonth: Bool { isCalendarDuration && (unit == "year" || unit == "month") }

    /// -1, 0, 1, or `nil` when the units cannot be compared.
    static func compare(_ lhs: FHIRPathQuantity, _ rhs: FHIRPathQuantity) -> Int? {
        if lhs.unit == rhs.unit { return sign(lhs.value.value, rhs.value.value) }
        guard lhs.isComparable(to: rhs), let left = lhs.baseValue, let right = rhs.baseValue else { return nil }
        return sign(left.value, right.value)
    }

    private static func sign(_ a: Decimal, _ b: Decimal) -> Int { a == b ? 0 : (a < b ? -1 : 1) }

    /// Parses `4 'mg'`, `1 year`, `3.5` (unit `1`) as `toQuantity()` reads strings.
    init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let space = trimmed.firstIndex(of: " ") else {
            guard let number = FHIRPathDecimal(lexeme: trimmed) else { return nil }
            self.init(value: number, unit: "1")
            return
        }
        guard let number = FHIRPathDecimal(lexeme: trimmed[..<space]) else { return nil }
        var unit = trimmed[trimmed.index(after: space)...].trimmingCharacters(in: .whitespaces)
        if unit.hasPrefix("'") {
            guard unit.count >= 2, unit.hasSuffix("'") else { return nil }
            unit = String(unit.dropFirst().dropLast())
        } else {
            let singular = unit.hasSuffix("s") ? String(unit.dropLast()) : unit
            guard Self.calendarUnits[singular] != nil else { return nil }
        }
        self.init(value: number, unit: unit)
    }
}
