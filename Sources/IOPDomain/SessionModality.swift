/// The kind of IOP session. Raw values are stable codes; progress summaries report attendance
/// per modality, which HIPAA lets the PCP see (modalities and frequencies are excluded from
/// "psychotherapy notes", 45 CFR 164.501).
public enum SessionModality: String, Hashable, Sendable, Codable, CaseIterable {
    case individual
    case group
    /// Couples or family therapy: one record per participant, the relatives are not participants.
    case couplesFamily = "couples-family"
    case psychoeducation
    case medicationManagement = "medication-management"
}
