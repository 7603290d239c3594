/// The reads of the store. Inside a `write` closure they see that unit of work's own writes.
public protocol StoreReader {
    // MARK: Resources

    /// The current version, including a deletion tombstone (`isDeleted`); `nil` if the resource
    /// never existed.
    func read(type: String, id: String) throws -> StoredResource?

    /// One version (`_history/n`), or `nil`.
    func vread(type: String, id: String, versionId: Int) throws -> StoredResource?

    /// Versions of one resource, newest first, at most `limit`.
    func history(type: String, id: String, limit: Int) throws -> [StoredResource]

    /// Current, non-deleted versions that match.
    func search(_ query: ResourceQuery) throws -> SearchPage

    /// The current, non-deleted versions of these resources of one type (in no set order).
    func readCurrent(type: String, ids: [String]) throws -> [StoredResource]

    /// Versions of every resource of `type` (every type when nil), newest first: type and system
    /// history (http.html §3.1.0.12). `since`: only versions written at or after it; `at`:
    /// only versions written before it (`_at` asks for versions current then).
    func historyPage(type: String?, since: StoreTimestamp?, before: StoreTimestamp?, cursor: SearchCursor?, limit: Int) throws
        -> HistoryPage

    /// The reference rows of these resources (`_include`); `parameter` nil: every reference
    /// parameter.
    func indexedReferences(type: String, ids: [String], parameter: String?) throws -> [IndexedReference]

    /// Current resources of `type` whose reference parameter (any when nil) points at one of
    /// `targets` (`Type/id`), at most `limit` (`_revinclude`).
    func referencingResources(type: String, parameter: String?, targets: [String], limit: Int) throws -> [StoredResource]

    /// The unfinished re-index job, or nil when the index is complete.
    func reindexProgress() throws -> ReindexProgress?

    // MARK: Domain rows

    func domainRow(kind: String, key: String) throws -> DomainRow?

    /// Rows of one kind, by key, at most `limit`, after `afterKey` when paging.
    func domainRows(kind: String, afterKey: String?, limit: Int) throws -> [DomainRow]

    /// Every row of one participant, by kind then key; only `kind` when given.
    func domainRows(participantKey: String, kind: String?) throws -> [DomainRow]

    // MARK: Import ledger

    /// The entry for a file's content hash, so a re-run can skip what is done.
    func ledgerEntry(hash: String) throws -> ImportLedgerEntry?

    /// The most recent entries first.
    func ledgerEntries(limit: Int) throws -> [ImportLedgerEntry]

    // MARK: Identity review

    func heldInput(id: String) throws -> HeldInput?

    /// Held inputs, oldest first; every status when `status` is nil.
    func heldInputs(status: HeldInput.Status?, limit: Int) throws -> [HeldInput]

    // MARK: Outbox

    func outboundMessage(id: String) throws -> OutboundMessage?

    /// Messages of one endpoint (every endpoint if `nil`) in one status, oldest first.
    func outboundMessages(endpointKey: String?, status: OutboundStatus, limit: Int) throws -> [OutboundMessage]

    /// Message counts by endpoint and status (statuses with no message are left out).
    func queueDepth() throws -> [QueueDepth]

    /// Counts, attempts and the oldest message by endpoint and status, for `/metrics`.
    func outboxStatistics() throws -> [OutboxStatistics]

    /// The circuit state of every route a delivery worker has reported, by endpoint and route.
    func outboundRouteStates() throws -> [OutboundRouteState]

    /// When the next pending message of the endpoint (any if `nil`) becomes due, or an
    /// in-flight lease expires: how long a worker may sleep. `nil` when nothing is waiting.
    func nextDueTime(endpointKey: String?) throws -> StoreTimestamp?

    // MARK: Audit

    /// Events with `range.from <= time < range.to`, in append order, at most `limit`, after
    /// `afterSequence` when paging.
    func auditEvents(in range: TimeRange, afterSequence: Int64?, limit: Int) throws -> [AuditEvent]

    /// The access token whose SHA-256 (lower-case hex) this is, expired or not; nil when none
    /// was issued.
    func accessToken(sha256: String) throws -> IssuedAccessToken?
}
