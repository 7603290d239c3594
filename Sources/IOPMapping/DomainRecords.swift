import IOPDomain

/// The domain records one FHIR input (a Bundle or a single resource) maps to, grouped by kind.
/// The importer and the API write them as domain rows in the same transaction as the resources.
public struct DomainRecords: Sendable, Hashable {
    public var participants: [Participant] = []
    public var practices: [PrimaryCarePractice] = []
    public var enrolments: [Enrolment] = []
    public var sessions: [ProgramSession] = []
    public var treatmentPlans: [TreatmentPlan] = []
    public var medicationOrders: [MedicationOrder] = []
    public var careMessages: [CareMessage] = []
    public var consents: [DisclosureConsent] = []
    public var progressSummaries: [ProgressSummary] = []
    /// For each ID made by the mapper's hash, the ID an earlier version of the gateway (before
    /// store version 4) gave the same record, so the writer can find rows it wrote.
    public var legacyIDs: [String: String] = [:]

    public init() {}

    public var isEmpty: Bool { count == 0 }

    public var count: Int {
        participants.count + practices.count + enrolments.count + sessions.count + treatmentPlans.count
            + medicationOrders.count + careMessages.count + consents.count + progressSummaries.count
    }
}
