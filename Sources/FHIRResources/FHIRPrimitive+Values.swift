import Foundation

// Typed views of primitive lexemes. Each reads the lexeme kept in `value`; none replaces it,
// so `FHIRDecimal("1.50").decimal` is 1.5 while the value written back stays `1.50`.

extension FHIRBoolean {
    public init(_ bool: Bool) {
        self.init(bool ? "true" : "false")
    }

    /// `true` or `false`; `nil` without a value (or, in a hand-built value, another lexeme).
    public var bool: Bool? {
        switch value {
        case "true": true
        case "false": false
        default: nil
        }
    }
}

extension FHIRInteger {
    public init(_ int: Int) { self.init(String(int)) }
    public var int: Int? { value.flatMap { Int($0) } }
}

extension FHIRPositiveInt {
    public init(_ int: Int) { self.init(String(int)) }
    public var int: Int? { value.flatMap { Int($0) } }
}

extension FHIRUnsignedInt {
    public init(_ int: Int) { self.init(String(int)) }
    public var int: Int? { value.flatMap { Int($0) } }
}

extension FHIRDecimal {
    /// The exact decimal value (Foundation's `Decimal` keeps 38 significant digits); the
    /// precision as written (`1.50` has two decimal places) is kept only in `value`.
    public var decimal: Decimal? {
        value.flatMap { Decimal(string: $0, locale: Locale(identifier: "en_US_POSIX")) }
    }

    public var double: Double? { value.flatMap { Double($0) } }
}

/// How much of a date or time a lexeme gives (FHIR dates keep their precision: `2024`,
/// `2024-03`, `2024-03-15`, `2024-03-15T09:30:00+01:00`).
public enum FHIRDatePrecision: Int, Sendable, Hashable, Comparable {
    case year, month, day, minute, second, fraction

    public static func < (lhs: FHIRDatePrecision, rhs: FHIRDatePrecision) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    init?(lexeme: String) {
        let datePart = lexeme.prefix { $0 != "T" }
        let timePart = lexeme.drop { $0 != "T" }.dropFirst()
        if timePart.isEmpty {
            switch datePart.count {
            case 4: self = .year
            case 7: self = .month
            case 10: self = .day
            default: return nil
            }
            return
        }
        let time = timePart.prefix { $0 != "Z" && $0 != "+" && $0 != "-" }
        if time.contains(".") { self = .fraction } else if time.count >= 8 { self = .second } else { self = .minute }
    }
}

extension FHIRDate {
    public var precision: FHIRDatePrecision? { value.flatMap(FHIRDatePrecision.init(lexeme:)) }
}

extension FHIRDateTime {
    public var precision: FHIRDatePrecision? { value.flatMap(FHIRDatePrecision.init(lexeme:)) }
}

extension FHIRInstant {
    public var precision: FHIRDatePrecision? { value.flatMap(FHIRDatePrecision.init(lexeme:)) }
}
