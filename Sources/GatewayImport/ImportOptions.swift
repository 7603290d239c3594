import Foundation

/// How `fhir-gateway import` runs.
public struct ImportOptions: Sendable {
    /// Files prepared (read, validated, mapped) at once; writes are always one at a time.
    public var jobs: Int
    /// Validate and map only: nothing is written, not even the ledger.
    public var dryRun: Bool
    /// Where refused files are copied, each beside its `.outcome.json`.
    public var quarantine: URL?
    /// NDJSON lines written per unit of work (each unit also records how far the file got).
    public var linesPerUnit: Int
    /// Refused NDJSON lines whose outcomes the report keeps per file (the count is always kept).
    public var refusedLinesKept: Int

    public init(jobs: Int = 2, dryRun: Bool = false, quarantine: URL? = nil, linesPerUnit: Int = 500, refusedLinesKept: Int = 1000) {
        self.jobs = max(1, jobs)
        self.dryRun = dryRun
        self.quarantine = quarantine
        self.linesPerUnit = max(1, linesPerUnit)
        self.refusedLinesKept = refusedLinesKept
    }
}
