import FHIRCore
import FHIRJSON
import Foundation

/// The import's result: counts, every refused file's (or NDJSON line's) OperationOutcome, and
/// every input held for identity review. Written whatever happens to the run.
public struct ImportReport: Sendable {
    public struct Refusal: Sendable {
        public let path: String
        /// The NDJSON line, or `nil` for a whole document.
        public let line: Int?
        public let issues: [Issue]
    }

    /// An input held for identity review (`fhir-gateway identities show <heldID>`).
    public struct Hold: Sendable {
        public let path: String
        public let line: Int?
        public let heldID: String
        public let issues: [Issue]
    }

    public var counts = ImportCounts()
    public var refusals: [Refusal] = []
    /// NDJSON lines refused beyond what the report keeps (their count only).
    public var refusalsNotKept = 0
    public var held: [Hold] = []
    /// Set when the run was stopped (Ctrl-C) before the end: what is counted was committed.
    public var interrupted = false
    /// Why the run could not go on (the store failed as a whole), when it did not finish;
    /// what is counted was committed.
    public var failure: String?

    public init() {}

    /// JSON for `--report FILE`: counts, then each refusal with its OperationOutcome.
    public func json() -> Data {
        func entry(_ path: String, _ line: Int?, _ issues: [Issue]) -> [String: Any] {
            let outcome = FHIRJSONWriter().write(issues.operationOutcome())
            var entry: [String: Any] = ["path": path]
            if let line { entry["line"] = line }
            entry["outcome"] = (try? JSONSerialization.jsonObject(with: Data(outcome))) ?? [:]
            return entry
        }
        let refused = refusals.map { entry($0.path, $0.line, $0.issues) }
        let holds = held.map { hold in entry(hold.path, hold.line, hold.issues).merging(["held": hold.heldID]) { a, _ in a } }
        var object: [String: Any] = [
            "files": counts.filesTotal, "imported": counts.filesImported, "skipped": counts.filesSkipped,
            "refused": counts.filesRefused, "resources": counts.resources, "interrupted": interrupted,
            "refusals": refused, "refusalsNotKept": refusalsNotKept, "holds": holds,
        ]
        if let failure { object["failure"] = failure }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    }

    /// The summary a person reads at the end.
    public var summary: String {
        var text = "\(counts.filesTotal) files: \(counts.filesImported) imported, \(counts.filesSkipped) already imported, "
            + "\(counts.filesRefused) refused; \(counts.resources) resources"
        let refusedLines = refusals.filter { $0.line != nil }.count + refusalsNotKept
        if refusedLines > 0 { text += "; \(refusedLines) NDJSON lines refused" }
        if !held.isEmpty { text += "; \(held.count) held for identity review (fhir-gateway identities list)" }
        if interrupted { text += " (interrupted: run again to finish)" }
        if let failure { text += " (stopped: \(failure); run again to finish)" }
        return text
    }
}
