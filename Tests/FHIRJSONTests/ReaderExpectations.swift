import FHIRCore
import FHIRJSON
import Testing

/// Small helpers shared by the reader and writer suites: read a JSON text, find the issue a test
/// is about, and say where in the text an issue should point.
enum ReaderTest {
    static func read(_ text: String, mode: ReadMode = .strict, limits: ReadLimits = ReadLimits()) -> ReadResult {
        FHIRJSONReader(mode: mode, limits: limits).read(Array(text.utf8))
    }

    static func read(bytes: [UInt8], mode: ReadMode = .strict, limits: ReadLimits = ReadLimits()) -> ReadResult {
        FHIRJSONReader(mode: mode, limits: limits).read(bytes)
    }

    static func limits(_ change: (inout ReadLimits) -> Void) -> ReadLimits {
        var limits = ReadLimits()
        change(&limits)
        return limits
    }

    /// The 1-based line and column (in Unicode scalars) of the first occurrence of `marker`,
    /// counted independently of the reader's own `SourceText`.
    static func location(of marker: String, in text: String) -> FHIRCore.SourceLocation {
        guard let range = text.range(of: marker) else {
            Testing.Issue.record("marker \(marker) is not in the text")
            return FHIRCore.SourceLocation(line: 0, column: 0)
        }
        let before = text[..<range.lowerBound]
        let line = before.filter { $0 == "\n" }.count + 1
        let lineStart = before.lastIndex(of: "\n").map { before.index(after: $0) } ?? before.startIndex
        return FHIRCore.SourceLocation(line: line, column: before[lineStart...].unicodeScalars.count + 1)
    }

    /// Line 1, at this column.
    static func at(_ column: Int) -> FHIRCore.SourceLocation {
        FHIRCore.SourceLocation(line: 1, column: column)
    }

    /// Expects an issue with this severity and code (and, when given, location and expression);
    /// returns the first one found.
    @discardableResult
    static func expectIssue(
        _ result: ReadResult, _ severity: FHIRCore.Issue.Severity, _ code: IssueType,
        at location: FHIRCore.SourceLocation? = nil, expression: String? = nil,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> FHIRCore.Issue? {
        let candidates = result.issues.filter {
            $0.severity == severity && $0.code == code
                && (expression == nil || $0.expression == expression)
        }
        guard !candidates.isEmpty else {
            Testing.Issue.record(
                "no \(severity.rawValue) \(code.rawValue) issue\(expression.map { " at \($0)" } ?? ""); got \(result.issues.map(\.description))",
                sourceLocation: sourceLocation)
            return nil
        }
        if let location {
            let found = candidates.first { $0.location == location }
            #expect(
                found != nil,
                "expected \(location), got \(candidates.map { $0.location?.description ?? "no location" })",
                sourceLocation: sourceLocation)
            return found ?? candidates[0]
        }
        return candidates[0]
    }

    /// Expects the read to have failed: no resource, and at least one error or fatal issue.
    static func expectRejected(_ result: ReadResult, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(result.resource == nil, "a resource was returned despite errors", sourceLocation: sourceLocation)
        #expect(result.hasErrors, "no error was reported", sourceLocation: sourceLocation)
    }

    /// Expects a clean read: a resource and no issues at all.
    @discardableResult
    static func expectAccepted(
        _ result: ReadResult, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> FHIRElement? {
        #expect(result.issues.isEmpty, "\(result.issues.map(\.description))", sourceLocation: sourceLocation)
        #expect(result.resource != nil, sourceLocation: sourceLocation)
        return result.resource
    }
}

