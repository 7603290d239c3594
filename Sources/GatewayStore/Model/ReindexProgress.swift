/// A re-indexing job left by a migration that changed what the search index holds: every
/// current resource with `seq <= untilSeq` gets its rows rewritten, in `seq` order. Resources
/// written after the upgrade index themselves, so they are not part of the job.
public struct ReindexProgress: Hashable, Sendable {
    /// The index the job brings the store to (migration 3: 2, every R4 search parameter).
    public var indexVersion: Int
    /// The last write before the upgrade.
    public var untilSeq: Int64
    /// How far the job got: every head with `seq <= afterSeq` is done.
    public var afterSeq: Int64
    /// Current resources when the job began, and how many are done.
    public var total: Int64
    public var done: Int64
    public var startedAt: StoreTimestamp

    public init(indexVersion: Int, untilSeq: Int64, afterSeq: Int64, total: Int64, done: Int64, startedAt: StoreTimestamp) {
        self.indexVersion = indexVersion
        self.untilSeq = untilSeq
        self.afterSeq = afterSeq
        self.total = total
        self.done = done
        self.startedAt = startedAt
    }
}

/// The next resources of a re-index job, in `seq` order; `lastSeq` nil when none are left.
public struct ReindexBatch: Sendable {
    public var job: ReindexProgress
    public var resources: [StoredResource]
    public var lastSeq: Int64?

    public init(job: ReindexProgress, resources: [StoredResource], lastSeq: Int64?) {
        self.job = job
        self.resources = resources
        self.lastSeq = lastSeq
    }
}

/// A page of history (type or system level), newest first.
public struct HistoryPage: Sendable {
    public var versions: [StoredResource]
    /// Where the next page starts, when more versions follow.
    public var next: SearchCursor?

    public init(versions: [StoredResource], next: SearchCursor?) {
        self.versions = versions
        self.next = next
    }
}

/// One reference row of a resource, for `_include`.
public struct IndexedReference: Hashable, Sendable {
    public var id: String
    public var parameter: String
    public var target: String

    public init(id: String, parameter: String, target: String) {
        self.id = id
        self.parameter = parameter
        self.target = target
    }
}
