import FHIRCore
import FHIRJSON
import Foundation

/// The import's result: counts, and every refused file's (or NDJSON line's) OperationOutcome.
public struct ImportReport: Sendable {
    public struct Refusal: Sendable {
        public let path: String
        /// The NDJSON line, or `nil` for a whole document.
        public let line: Int?
        public let issues: [Issue]
    }

    public var counts = ImportCounts()
    public var refusals: [Refusal] = []
    /// NDJSON lines refused beyond what the report keeps (their count only).
    public var refusalsNotKept = 0
    /// Set when the run was stopped (Ctrl-C) before the end: what is counted was committed.
    public var interrupted = false

    public init() {}

    /// JSON for `--report FILE`: counts, then each refusal with its OperationOutcome.
    public func json() -> Data {
        var refused: [[String: Any]] = []
        for refusal in refusals {
            let outcome = FHIRJSONWriter().write(refusal.issues.operationOutcome())
            var entry: [String: Any] = ["path": refusal.path]
            if let line = refusal.line { entry["line"] = line }
            entry["outcome"] = (try? JSONSerialization.jsonObject(with: Data(outcome))) ?? [:]
            refused.append(entry)
        }
        let object: [String: Any] = [
            "files": counts.filesTotal, "imported": counts.filesImported, "skipped": counts.filesSkipped,
            "refused": counts.filesRefused, "resources": counts.resources, "interrupted": interrupted,
            "refusals": refused, "refusalsNotKept": refusalsNotKept,
        ]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    }

    /// The summary a person reads at the end.
    public var summary: String {
        var text = "\(counts.filesTotal) files: \(counts.filesImported) imported, \(counts.filesSkipped) already imported, "
            + "\(counts.filesRefused) refused; \(counts.resources) resources"
        let refusedLines = refusals.filter { $0.line != nil }.count + refusalsNotKept
        if refusedLines > 0 { text += "; \(refusedLines) NDJSON lines refused" }
        if interrupted { text += " (interrupted: run again to finish)" }
        return text
    }
}
