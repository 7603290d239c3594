/// What a care message is about. Raw values are stable codes.
public enum CareMessageCategory: String, Hashable, Sendable, Codable, CaseIterable {
    case appointmentUpdate = "appointment-update"
    case progressSummary = "progress-summary"
    /// The participant is at risk; the PCP must know now.
    case crisisNotice = "crisis-notice"
    case medicationChange = "medication-change"
    case administrative

    /// The consent category that governs sending it.
    public var disclosureCategory: DisclosureCategory {
        switch self {
        case .appointmentUpdate: .appointments
        case .progressSummary: .progressSummary
        case .crisisNotice: .crisisNotice
        case .medicationChange: .medications
        case .administrative: .administrative
        }
    }

    /// The lowest priority a message of this category is sent with: a crisis notice is never
    /// routine, whatever the sender chose, so it never waits behind routine summaries.
    public var minimumPriority: MessagePriority { self == .crisisNotice ? .urgent : .routine }
}
