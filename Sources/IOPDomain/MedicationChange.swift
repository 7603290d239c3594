import Foundation

/// A change to a participant's medications, as the PCP needs it: what, which way, when.
public struct MedicationChange: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        case started
        /// Same order, new dose.
        case doseChanged = "dose-changed"
        case onHold = "on-hold"
        case resumed
        case stopped
        case completed
        case cancelled
    }

    public var orderID: MedicationOrder.ID
    public var kind: Kind
    public var medication: RxNormConcept
    /// The dose after the change.
    public var dose: Dose
    /// When the gateway learned of the change (a prescription has no date for it).
    public var observedAt: Date
    public var containsPart2Data: Bool

    public init(orderID: MedicationOrder.ID, kind: Kind, medication: RxNormConcept, dose: Dose, observedAt: Date,
                containsPart2Data: Bool) {
        self.orderID = orderID
        self.kind = kind
        self.medication = medication
        self.dose = dose
        self.observedAt = observedAt
        self.containsPart2Data = containsPart2Data
    }

    /// The change from `before` (nil: a new order) to `after`, or nil when nothing a PCP
    /// cares about changed.
    public static func between(_ before: MedicationOrder?, _ after: MedicationOrder, at date: Date) -> MedicationChange? {
        let kind: Kind
        if let before {
            if before.status != after.status {
                switch after.status {
                case .active: kind = before.status == .onHold ? .resumed : .started
                case .onHold: kind = .onHold
                case .stopped: kind = .stopped
                case .completed: kind = .completed
                case .cancelled: kind = .cancelled
                case .draft: return nil
                }
            } else if before.dose != after.dose, after.status.isCurrent {
                kind = .doseChanged
            } else {
                return nil
            }
        } else {
            guard after.status == .active else { return nil }
            kind = .started
        }
        return MedicationChange(orderID: after.id, kind: kind, medication: after.medication, dose: after.dose, observedAt: date,
                                containsPart2Data: after.containsPart2Data)
    }
}
