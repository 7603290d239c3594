/// An amount of medication per administration, e.g. `0.5` `mg`.
///
/// The value is kept as its decimal text, not as a `Double` or `Decimal`: `0.50` must reach the
/// PCP as `0.50` (FHIR-RULES.md, "Decimals keep their text"), and a binary float would turn
/// `0.1` into `0.1000000000000000055...`.
public struct DoseQuantity: Hashable, Sendable, Codable {
    /// A FHIR decimal without exponent, greater than zero: `1`, `0.5`, `12.50`.
    public let value: String
    /// A UCUM unit code, e.g. `mg`, `mL`, or `{tbl}` for tablets.
    public let unit: String

    /// - Throws: `invalidValue(.doseValue)` unless `value` is a positive plain decimal, and
    ///   `missingValue(.doseUnit)` for a blank unit.
    public init(value: String, unit: String) throws(DomainError) {
        guard DoseQuantity.isPositiveDecimal(value) else { throw .invalidValue(.doseValue) }
        guard unit.hasContent else { throw .missingValue(.doseUnit) }
        self.value = value
        self.unit = unit
    }

    /// `[0-9]+(\.[0-9]+)?` with at least one non-zero digit.
    static func isPositiveDecimal(_ text: String) -> Bool {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, parts.count == 1 || !parts[1].isEmpty,
              parts.allSatisfy({ $0.utf8.allSatisfy { (0x30...0x39).contains($0) } })
        else { return false }
        return text.utf8.contains { (0x31...0x39).contains($0) }
    }
}
