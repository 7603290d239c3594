import Foundation

/// A System `Decimal` that remembers how many digits follow its point, so `1.50` stays `1.50`
/// when printed and `precision()`, `lowBoundary()` and `highBoundary()` can answer (N1 §2.1.5).
public struct FHIRPathDecimal: Sendable, Hashable, CustomStringConvertible {
    public var value: Decimal
    /// Digits after the decimal point as written or computed.
    public var scale: Int

    public init(_ value: Decimal, scale: Int) {
        self.value = value
        self.scale = max(0, scale)
    }

    public init(_ integer: Int) {
        self.init(Decimal(integer), scale: 0)
    }

    /// Parses `-1.50`, `3`, `0.0034`; rejects exponents and other forms FHIR does not allow.
    public init?(lexeme: some StringProtocol) {
        var digitsSeen = false
        var scale = 0
        var afterPoint = false
        for (index, character) in lexeme.enumerated() {
            switch character {
            case "0"..."9":
                digitsSeen = true
                if afterPoint { scale += 1 }
            case "-" where index == 0, "+" where index == 0: continue
            case "." where !afterPoint && digitsSeen: afterPoint = true
            default: return nil
            }
        }
        guard digitsSeen, !(afterPoint && scale == 0),
              let value = Decimal(string: String(lexeme), locale: Locale(identifier: "en_US_POSIX"))
        else { return nil }
        self.init(value, scale: scale)
    }

    public var description: String {
        var rounded = Decimal()
        var source = value
        NSDecimalRound(&rounded, &source, scale, .plain)
        var text = "\(rounded)"
        if scale > 0 {
            if let point = text.firstIndex(of: ".") {
                let have = text.distance(from: point, to: text.endIndex) - 1
                if have < scale { text += String(repeating: "0", count: scale - have) }
            } else {
                text += "." + String(repeating: "0", count: scale)
            }
        }
        return text
    }

    /// The value rounded to `places` digits after the point (half away from zero).
    func rounded(_ places: Int, mode: NSDecimalNumber.RoundingMode = .plain) -> FHIRPathDecimal {
        var result = Decimal()
        var source = value
        NSDecimalRound(&result, &source, places, mode)
        return FHIRPathDecimal(result, scale: places)
    }

    /// The value as an `Int` when it is a whole number in range.
    var exactInteger: Int? {
        guard value == value.roundedTo(0), value >= Decimal(Int.min), value <= Decimal(Int.max) else { return nil }
        return NSDecimalNumber(decimal: value).intValue
    }

    var doubleValue: Double { NSDecimalNumber(decimal: value).doubleValue }
}

extension Decimal {
    func roundedTo(_ places: Int, _ mode: NSDecimalNumber.RoundingMode = .plain) -> Decimal {
        var result = Decimal()
        var source = self
        NSDecimalRound(&result, &source, places, mode)
        return result
    }
}
