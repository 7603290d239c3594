import Foundation

/// A prescription written in the IOP's medication-management sessions.
public struct MedicationOrder: Hashable, Sendable, Codable, Identifiable {
    public typealias ID = EntityID<MedicationOrder>

    public let id: ID
    public let participantID: Participant.ID
    public var medication: RxNormConcept
    public var dose: Dose
    public var prescriber: Clinician
    public internal(set) var status: MedicationOrderStatus
    public var authoredOn: Date
    /// Why it was prescribed, e.g. "major depressive disorder".
    public var reasonText: String?
    /// Whether the order is substance-use-disorder treatment from a Part 2 program (e.g.
    /// buprenorphine for opioid use disorder): then it may reach a PCP only under a consent that
    /// covers Part 2 records.
    public var containsPart2Data: Bool

    public init(id: ID, participantID: Participant.ID, medication: RxNormConcept, dose: Dose, prescriber: Clinician,
                status: MedicationOrderStatus = .active, authoredOn: Date, reasonText: String? = nil,
                containsPart2Data: Bool = false) {
        self.id = id
        self.participantID = participantID
        self.medication = medication
        self.dose = dose
        self.prescriber = prescriber
        self.status = status
        self.authoredOn = authoredOn
        self.reasonText = reasonText
        self.containsPart2Data = containsPart2Data
    }

    /// Moves the order to `status`.
    ///
    /// - Throws: `illegalMedicationTransition` when not among the legal successors.
    public mutating func transition(to status: MedicationOrderStatus) throws(DomainError) {
        guard self.status.legalSuccessors.contains(status) else {
            throw .illegalMedicationTransition(from: self.status, to: status)
        }
        self.status = status
    }
}
