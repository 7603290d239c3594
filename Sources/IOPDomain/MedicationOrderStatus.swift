/// Where a medication order stands. Raw values are FHIR `medicationrequest-status` codes.
public enum MedicationOrderStatus: String, Hashable, Sendable, Codable, CaseIterable {
    case draft
    case active
    case onHold = "on-hold"
    /// Withdrawn before any dose was taken.
    case cancelled
    case completed
    /// Discontinued after it was taken: a PCP needs to know this to reconcile the list.
    case stopped
}

extension MedicationOrderStatus {
    /// Draft → active or cancelled; active ⇄ on hold; active or on hold → stopped, completed;
    /// cancelled, completed and stopped are final (a restart is a new order, with a new date).
    public var legalSuccessors: Set<MedicationOrderStatus> {
        switch self {
        case .draft: [.active, .cancelled]
        case .active: [.onHold, .completed, .stopped]
        case .onHold: [.active, .completed, .stopped]
        case .cancelled, .completed, .stopped: []
        }
    }

    /// Whether the medication is currently part of the participant's regimen (the list sent to
    /// the PCP).
    public var isCurrent: Bool { self == .active || self == .onHold }
}
