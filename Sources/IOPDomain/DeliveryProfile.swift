/// How a PCP's EHR wants to receive what the gateway sends.
///
/// EHRs differ (FHIR-RULES.md, "What EHRs accept from us"), so each endpoint is configured with
/// one profile. Raw values are stable: they appear in configuration files and store rows.
public enum DeliveryProfile: String, Hashable, Sendable, Codable, CaseIterable {
    /// A FHIR transaction Bundle with conditional creates (a generic, HAPI-style server).
    case transactionBundle = "transaction-bundle"
    /// One request per resource, each a conditional create (`If-None-Exist`).
    case conditionalCreate = "conditional-create"
    /// Only a progress note as `DocumentReference`, the common denominator among EHRs. The
    /// gateway's own delivery ledger prevents duplicates, since such EHRs do not.
    case documentReferenceOnly = "document-reference-only"

    /// Whether the receiver suppresses duplicates itself, so a retry is safe without the ledger.
    public var receiverSuppressesDuplicates: Bool { self != .documentReferenceOnly }
}
