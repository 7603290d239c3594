/// One passage of a progress summary, of a kind HIPAA allows to leave the program.
///
/// The kinds are exactly the summaries 45 CFR 164.501 excludes from "psychotherapy notes"
/// (diagnosis, functional status, treatment plan, symptoms, prognosis, progress): there is no
/// kind for session content, so a summary cannot be built with it.
public struct SummarySection: Hashable, Sendable, Codable {
    public var kind: Kind
    public var text: String
    /// Whether the passage draws on 42 CFR Part 2 records.
    public var isPart2Record: Bool

    /// - Throws: `missingValue(.summarySectionText)` for blank text.
    public init(kind: Kind, text: String, isPart2Record: Bool = false) throws(DomainError) {
        guard text.hasContent else { throw .missingValue(.summarySectionText) }
        self.kind = kind
        self.text = text
        self.isPart2Record = isPart2Record
    }

    /// Raw values are stable codes.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        case diagnosis
        case functionalStatus = "functional-status"
        case treatmentPlan = "treatment-plan"
        case symptoms
        case prognosis
        case progress
    }
}
