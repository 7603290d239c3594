/// Why information is disclosed. The 2024 Part 2 rule lets one consent cover treatment, payment
/// and health-care operations together; a PCP bridge discloses for treatment.
public enum DisclosurePurpose: String, Hashable, Comparable, Sendable, Codable, CaseIterable {
    case treatment
    case payment
    case operations

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
