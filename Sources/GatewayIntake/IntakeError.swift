import FHIRCore

/// A problem with what an input asks the gateway to do (rather than with its FHIR), named by
/// entry so the OperationOutcome says `Bundle.entry[i]` (FHIR-RULES.md, transactions rule 10).
public struct IntakeError: Error, Sendable, CustomStringConvertible {
    public let entryIndex: Int?
    public let code: IssueType
    public let message: String

    public init(entryIndex: Int?, code: IssueType = .invalid, _ message: String) {
        self.entryIndex = entryIndex
        self.code = code
        self.message = message
    }

    public var issue: Issue {
        Issue(.error, code, message, expression: entryIndex.map { "Bundle.entry[\($0)]" })
    }

    public var description: String { issue.description }
}
