import Foundation

/// What happened to one imported file, keyed by the SHA-256 of its bytes so a re-run skips
/// files already done, wherever they have moved.
public struct ImportLedgerEntry: Hashable, Sendable {
    public enum Status: String, Hashable, Sendable, CaseIterable {
        /// Every entry written.
        case imported
        /// Nothing written (the file failed as a whole).
        case refused
        /// Some entries written, others refused (NDJSON lines, batch entries).
        case partial
    }

    /// Lowercase hex SHA-256 of the file (`ContentHash.sha256Hex`).
    public var contentHash: String
    /// Where the file was found; informative only.
    public var path: String
    public var status: Status
    public var counts: Counts
    /// The import report (OperationOutcome issues and mapping notes) as JSON.
    public var report: Data
    /// Set by the store.
    public var recordedAt: StoreTimestamp

    public init(contentHash: String, path: String, status: Status, counts: Counts, report: Data, recordedAt: StoreTimestamp) {
        self.contentHash = contentHash
        self.path = path
        self.status = status
        self.counts = counts
        self.report = report
        self.recordedAt = recordedAt
    }

    public struct Counts: Hashable, Sendable {
        /// Resources (or lines, or entries) read from the file.
        public var read: Int
        /// Resources written.
        public var written: Int
        /// Resources refused.
        public var refused: Int

        public init(read: Int, written: Int, refused: Int) {
            self.read = read
            self.written = written
            self.refused = refused
        }
    }
}
