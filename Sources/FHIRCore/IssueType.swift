/// FHIR `IssueType` codes (http://hl7.org/fhir/issue-type), the required binding of
/// `OperationOutcome.issue.code`. A test checks each raw value against the generated catalogue.
public enum IssueType: String, Sendable, Hashable, CaseIterable {
    case invalid, structure, required, value, invariant
    case security, login, unknown, expired, forbidden, suppressed
    case processing
    case notSupported = "not-supported"
    case duplicate
    case multipleMatches = "multiple-matches"
    case notFound = "not-found"
    case deleted
    case tooLong = "too-long"
    case codeInvalid = "code-invalid"
    case `extension`
    case tooCostly = "too-costly"
    case businessRule = "business-rule"
    case conflict
    case transient
    case lockError = "lock-error"
    case noStore = "no-store"
    case exception, timeout, incomplete, throttled, informational
}
