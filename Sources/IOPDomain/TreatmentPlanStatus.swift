/// Where a treatment plan stands. Raw values are FHIR `request-status` codes (CarePlan.status)
/// where one fits, so the mapper needs no table for them.
public enum TreatmentPlanStatus: String, Hashable, Sendable, Codable, CaseIterable {
    case draft
    case active
    case onHold = "on-hold"
    case completed
    /// Stopped before completion (participant discharged early, plan replaced).
    case revoked
}

extension TreatmentPlanStatus {
    /// A draft becomes active or is dropped; an active plan pauses (e.g. hospitalisation),
    /// completes or is revoked; completed and revoked plans are final (a new plan is written).
    public var legalSuccessors: Set<TreatmentPlanStatus> {
        switch self {
        case .draft: [.active, .revoked]
        case .active: [.onHold, .completed, .revoked]
        case .onHold: [.active, .completed, .revoked]
        case .completed, .revoked: []
        }
    }
}
