/// How soon a message must go. Raw values are FHIR `request-priority` codes; ordered from
/// routine to stat, so the outbound queue can sort by it.
public enum MessagePriority: String, Hashable, Comparable, Sendable, Codable, CaseIterable {
    case routine
    case urgent
    case asap
    case stat

    private var rank: Int {
        switch self {
        case .routine: 0
        case .urgent: 1
        case .asap: 2
        case .stat: 3
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}
