/// A person's name as the referral gave it.
///
/// Kept in parts, not as one string, because the PCP's EHR matches on family and given names;
/// no part is normalised (case, diacritics, apostrophes stay as written: "O'Brien", "Nguyễn").
/// A mononym has only `given` or only `family`.
public struct PersonName: Hashable, Sendable, Codable {
    public var prefix: [String]
    public var given: [String]
    public var family: String?
    public var suffix: [String]

    public init(prefix: [String] = [], given: [String] = [], family: String? = nil, suffix: [String] = []) {
        self.prefix = prefix
        self.given = given
        self.family = family
        self.suffix = suffix
    }

    /// The parts joined in Western order, for display to staff.
    public var displayText: String {
        (prefix + given + [family].compactMap { $0 } + suffix).joined(separator: " ")
    }

    /// Whether at least one part has content.
    public var isEmpty: Bool {
        !(prefix + given + suffix + [family ?? ""]).contains { $0.hasContent }
    }
}
