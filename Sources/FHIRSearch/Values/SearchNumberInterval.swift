/// The range a decimal value stands for, by its precision (FHIR R4 search.html §3.1.1.4.1:
/// `100` is [99.5, 100.5], `5.40` is [5.395, 5.405], `1e2` is [50, 150]): the index stores
/// numbers and quantities this way and the query side turns a search value into one with the
/// same rules, so comparisons are interval against interval.
public struct SearchNumberInterval: Hashable, Sendable {
    public var low: Double
    public var high: Double
    /// The value as written.
    public var value: Double

    public init(low: Double, high: Double, value: Double) {
        self.low = low
        self.high = high
        self.value = value
    }

    /// A FHIR decimal or integer lexeme (`-12`, `5.40`, `1.5E-3`), or nil when it is none.
    public init?(lexeme: String) {
        var fractionDigits = 0
        var exponent = 0
        var sawDigit = false
        var inFraction = false
        var inExponent = false
        var exponentText = ""
        for (offset, character) in lexeme.utf8.enumerated() {
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if inExponent {
                    exponentText.append(Character(Unicode.Scalar(character)))
                } else {
                    sawDigit = true
                    if inFraction { fractionDigits += 1 }
                }
            case UInt8(ascii: "-"), UInt8(ascii: "+"):
                if inExponent && exponentText.isEmpty {
                    exponentText.append(Character(Unicode.Scalar(character)))
                } else if offset != 0 {
                    return nil
                }
            case UInt8(ascii: "."):
                guard !inFraction && !inExponent else { return nil }
                inFraction = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                guard sawDigit && !inExponent else { return nil }
                inExponent = true
            default:
                return nil
            }
        }
        guard sawDigit, let value = Double(lexeme) else { return nil }
        if inExponent {
            guard let parsed = Int(exponentText) else { return nil }
            exponent = parsed
        }
        let half = Self.powerOfTen(exponent - fractionDigits) / 2
        self.init(low: value - half, high: value + half, value: value)
    }

    private static func powerOfTen(_ power: Int) -> Double {
        var result = 1.0
        if power >= 0 { for _ in 0..<min(power, 400) { result *= 10 } } else { for _ in 0..<min(-power, 400) { result /= 10 } }
        return result
    }
}
