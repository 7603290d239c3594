/// One problem found anywhere in the gateway: parsing, validation, mapping, transactions or
/// delivery. It renders as an `OperationOutcome.issue` (see `Issue+OperationOutcome.swift`).
///
/// The message says what is wrong and never contains the offending value: inputs are patient
/// data, and issues reach logs, HTTP responses and import reports (ARCHITECTURE.md decision 3).
public struct Issue: Error, Sendable, Hashable {
    /// FHIR `IssueSeverity` (http://hl7.org/fhir/issue-severity).
    public enum Severity: String, Sendable, Hashable, CaseIterable, Comparable {
        case fatal, error, warning, information

        private var rank: Int {
            switch self {
            case .fatal: 0
            case .error: 1
            case .warning: 2
            case .information: 3
            }
        }

        /// More severe sorts first.
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    public var severity: Severity
    public var code: IssueType
    /// A FHIRPath expression to the element, e.g. `Bundle.entry[2].resource.name[0].given[1]`.
    public var expression: String?
    public var location: SourceLocation?
    public var message: String

    public init(
        _ severity: Severity, _ code: IssueType, _ message: String,
        expression: String? = nil, location: SourceLocation? = nil
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.expression = expression
        self.location = location
    }

    /// `error` and `fatal` issues make the input unacceptable; warnings do not.
    public var isError: Bool { severity == .error || severity == .fatal }
}

/// A 1-based line and column in the source text; the column counts Unicode scalars.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "line \(line), column \(column)" }
}

extension Issue: CustomStringConvertible {
    /// `error: Patient.birthDate (line 4, column 16): not a valid date`
    public var description: String {
        switch (expression, location) {
        case let (expression?, location?): "\(severity.rawValue): \(expression) (\(location)): \(message)"
        case let (expression?, nil): "\(severity.rawValue): \(expression): \(message)"
        case let (nil, location?): "\(severity.rawValue): \(location): \(message)"
        case (nil, nil): "\(severity.rawValue): \(message)"
        }
    }
}

extension Sequence<Issue> {
    public var containsErrors: Bool { contains { $0.isError } }
}
