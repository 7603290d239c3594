import Foundation

/// The writes of one unit of work (see `GatewayStore`). Reads see the writes made so far.
public protocol StoreTransaction: StoreReader {
    /// The unit of work's timestamp: the `lastUpdated` of every version it writes, the
    /// `recordedAt` of its ledger entry, the `createdAt` of its messages.
    var now: StoreTimestamp { get }

    // MARK: Resources

    /// Creates version 1. `id` nil: the store assigns a lowercase UUID. A caller that rewrites
    /// `urn:uuid:` references before writing chooses the id itself. Throws `duplicate` if the
    /// id is taken (also by a deleted resource).
    func create(type: String, id: String?, body: Data, index: SearchIndex) throws -> StoredResource

    /// Creates unless the match finds a resource (FHIR `If-None-Exist`), race-free: see
    /// `ConditionalMatch`.
    func createIfNoneExist(
        _ match: ConditionalMatch, id: String?, body: Data, index: SearchIndex
    ) throws -> ConditionalCreateOutcome

    /// Holds, until the unit of work ends, the locks that serialise conditional creates on these
    /// matches (`ConditionalMatch.lockKeys`, all of them in one sorted order, so two units of
    /// work never wait for each other). For a caller that searches for the matches itself and
    /// creates later in the same unit of work (a transaction Bundle resolves every conditional
    /// create before it writes): call it before those searches, as `createIfNoneExist` does.
    func lockConditionalCreates(_ matches: [ConditionalMatch]) throws

    /// Holds, until the unit of work ends, a lock per participant key (sorted), so two processes
    /// changing one participant's records at once take turns, and each compares the state the
    /// other left (PostgreSQL: transaction advisory locks; SQLite's single writer already does).
    /// Taken after any conditional-create locks of the same unit of work, never before.
    func lockParticipants(_ keys: [String]) throws

    /// Writes the next version. `ifMatch`: the version the client last saw (`If-Match: W/"n"`);
    /// another current version throws `conflict`. A missing (or deleted) resource is created
    /// (version 1, or the next version after the tombstone) when `createIfMissing`, else
    /// throws `notFound`.
    func update(
        type: String, id: String, body: Data, index: SearchIndex, ifMatch: Int?, createIfMissing: Bool
    ) throws -> UpdateOutcome

    /// Records a deletion as a new, empty version and drops the search rows. Returns the
    /// tombstone, or `nil` when there was nothing to delete (FHIR answers 200/204 either way).
    @discardableResult
    func delete(type: String, id: String, ifMatch: Int?) throws -> StoredResource?

    // MARK: Re-indexing

    /// The next `limit` resources of the unfinished re-index job (nil when there is none).
    func resourcesToReindex(limit: Int) throws -> ReindexBatch?

    /// Replaces the search rows of the current version, leaving the version itself alone.
    func replaceSearchIndex(type: String, id: String, index: SearchIndex) throws

    /// Records how far the job got, in the unit of work that rewrote those rows.
    func recordReindexProgress(indexVersion: Int, afterSeq: Int64, done: Int64, finished: Bool) throws

    // MARK: Domain rows

    /// Inserts or replaces the row for `(kind, key)`.
    @discardableResult
    func upsertDomainRow(kind: String, key: String, participantKey: String?, json: Data) throws -> DomainRow

    /// Returns whether a row was removed.
    @discardableResult
    func deleteDomainRow(kind: String, key: String) throws -> Bool

    // MARK: Import ledger

    /// Inserts or replaces the entry for the hash (a re-run of a partial file replaces it).
    /// `recordedAt` is set to `now`.
    @discardableResult
    func recordImport(
        hash: String, path: String, status: ImportLedgerEntry.Status, counts: ImportLedgerEntry.Counts, report: Data
    ) throws -> ImportLedgerEntry

    // MARK: Identity review

    /// Holds an input for identity review. Returns `false` when a held input with this id is
    /// already recorded (the same input held again by a re-run), which is left as it is.
    @discardableResult
    func holdInput(_ held: HeldInput) throws -> Bool

    /// Records the decision on a held input (`merged` or `keptApart`, by `actor`). Returns
    /// `false` when it is not waiting (unknown, or already decided).
    @discardableResult
    func resolveHeldInput(id: String, as status: HeldInput.Status, by actor: String) throws -> Bool

    // MARK: Outbox

    func enqueue(_ message: NewOutboundMessage) throws -> EnqueueOutcome

    /// Claims up to `limit` due messages for `leaseOwner` until `now + lease`, incrementing
    /// their `attempts`. Due: pending with `nextAttemptAt <= now`, or in flight with an expired
    /// lease (its worker crashed). Only the head of each (endpoint, participant) queue can be
    /// claimed, the head being the open message with the best priority, then the oldest; so one
    /// participant's messages go out one at a time, in order, crisis first. Across participants
    /// the claim is ordered by priority, then age. `endpointKey` nil: every endpoint.
    func claimDueMessages(endpointKey: String?, limit: Int, leaseOwner: String, lease: Duration) throws -> [OutboundMessage]

    /// Records the delivery. Applies whoever holds the lease, unless the message is already
    /// delivered: a worker whose lease expired may still report success, and the receiver has
    /// the message, so it must not be sent again (even from the dead letters). Returns whether
    /// it applied.
    @discardableResult
    func markDelivered(id: String, remoteId: String?, remoteStatus: String?) throws -> Bool

    /// Puts the message back to pending until `nextAttemptAt`. Applies only while `leaseOwner`
    /// holds the lease; returns whether it applied.
    @discardableResult
    func markFailed(id: String, leaseOwner: String, error: String, nextAttemptAt: StoreTimestamp) throws -> Bool

    /// Like `markFailed`, but the claim does not count as an attempt: the message was not sent
    /// (the consent gate held it), so waiting for a consent must not use up its retries.
    @discardableResult
    func markHeld(id: String, leaseOwner: String, reason: String, until: StoreTimestamp) throws -> Bool

    /// Gives up on the message (attempt cap, permanent 4xx, consent revoked). Applies while
    /// `leaseOwner` holds the lease, or to a pending message when `leaseOwner` is nil (an
    /// operator or a consent check cancelling it). Returns whether it applied.
    @discardableResult
    func deadLetter(id: String, leaseOwner: String?, error: String) throws -> Bool

    /// Puts a dead letter back to pending, due now, with `attempts` reset. Returns whether
    /// the message was a dead letter.
    @discardableResult
    func replayDeadLetter(id: String) throws -> Bool

    /// Writes (or replaces) the circuit state of one endpoint's route.
    func recordRouteState(_ state: OutboundRouteState) throws

    // MARK: Audit

    /// Records a client assertion's `jti` until `expiresAt`; false when the client used it
    /// already (a replay, RFC 7523 §3 point 7).
    func recordAssertion(client: String, jti: String, expiresAt: StoreTimestamp) throws -> Bool

    /// Keeps an issued access token's hash (never the token) until it expires.
    func saveAccessToken(_ token: IssuedAccessToken) throws

    /// Appends an event (its `sequence` is assigned) and returns it.
    @discardableResult
    func appendAudit(_ event: AuditEvent) throws -> AuditEvent
}
