import Foundation

/// The transactional outbox. A message is `pending` (due at `next_attempt_at`), `in_flight`
/// (leased to a worker until `lease_expires_at`), `delivered` or `dead_letter`.
///
/// The queue of one (endpoint, participant) pair is its open messages (pending or in flight)
/// ordered by priority, then enqueue order; only its head may be claimed, so a participant's
/// messages leave one at a time and in order, and a crisis notice overtakes routine ones that
/// have not left yet. Where several processes claim at once (PostgreSQL), the claim locks the
/// heads it takes (`claimLockClause`: `FOR UPDATE SKIP LOCKED`), so a head another worker is
/// claiming is skipped rather than waited for, and the message behind it is not a head.
extension SQLUnitOfWork {
    private static var messageColumns: String {
        "id, endpoint_key, participant_key, priority, idempotency_key, payload, content_type, created_at, status, "
            + "attempts, next_attempt_at, lease_owner, lease_expires_at, last_error, remote_id, remote_status, delivered_at"
    }

    private static func message(_ row: Connection.Row) throws -> OutboundMessage {
        guard let priority = OutboundPriority(rawValue: row.int(3)), let status = OutboundStatus(rawValue: row.text(8)) else {
            throw StoreError.corrupt(operation: "read outbound message")
        }
        return OutboundMessage(
            id: row.text(0), endpointKey: row.text(1), participantKey: row.text(2), priority: priority,
            idempotencyKey: row.text(4), payload: row.blob(5), contentType: row.text(6), createdAt: row.timestamp(7),
            status: status, attempts: row.int(9), nextAttemptAt: row.timestamp(10), leaseOwner: row.optionalText(11),
            leaseExpiresAt: row.optionalTimestamp(12), lastError: row.optionalText(13), remoteId: row.optionalText(14),
            remoteStatus: row.optionalText(15), deliveredAt: row.optionalTimestamp(16))
    }

    /// `m` (an open message) is the head of its queue: the first open message of the same pair
    /// by priority, then age. A correlated subquery, one probe of `outbound_open_queue` per
    /// candidate, rather than `NOT EXISTS (… comes before m)`: right after a burst of enqueues,
    /// before PostgreSQL has statistics for the table, the anti-join form was planned as a
    /// nested loop that compared every pair of an endpoint's messages (600 ms a claim at 6,000
    /// queued, found by `gateway-bench cluster`); this form costs 3 ms with or without them.
    private static var isHead: String {
        "m.seq = (SELECT e.seq FROM outbound_message e WHERE e.endpoint_key = m.endpoint_key "
            + "AND e.participant_key = m.participant_key AND e.status IN ('pending', 'in_flight') "
            + "ORDER BY e.priority, e.seq LIMIT 1)"
    }

    func outboundMessage(id: String) throws -> OutboundMessage? {
        try perform(writing: false) {
            try connection.fetchOne(
                "SELECT \(Self.messageColumns) FROM outbound_message WHERE id = ?", [.text(id)],
                purpose: "read outbound message", row: Self.message)
        }
    }

    func outboundMessages(endpointKey: String?, status: OutboundStatus, limit: Int) throws -> [OutboundMessage] {
        try perform(writing: false) {
            try connection.fetch(
                "SELECT \(Self.messageColumns) FROM outbound_message WHERE status = ? AND (? IS NULL OR endpoint_key = ?) "
                    + "ORDER BY seq LIMIT ?",
                [.text(status.rawValue), .text(endpointKey), .text(endpointKey), .int(max(0, limit))],
                purpose: "list outbound messages", row: Self.message)
        }
    }

    func queueDepth() throws -> [QueueDepth] {
        try outboxStatistics().map(\.depth)
    }

    func outboxStatistics() throws -> [OutboxStatistics] {
        try perform(writing: false) {
            try connection.fetch(
                "SELECT endpoint_key, status, COUNT(*), SUM(attempts), MAX(attempts), MIN(created_at) FROM outbound_message "
                    + "GROUP BY endpoint_key, status ORDER BY endpoint_key, status",
                purpose: "count outbound messages"
            ) { row in
                guard let status = OutboundStatus(rawValue: row.text(1)) else {
                    throw StoreError.corrupt(operation: "count outbound messages")
                }
                return OutboxStatistics(endpointKey: row.text(0), status: status, count: row.int(2), attempts: row.int(3),
                                        maxAttempts: row.int(4), oldestCreatedAt: row.timestamp(5))
            }
        }
    }

    func outboundRouteStates() throws -> [OutboundRouteState] {
        try perform(writing: false) {
            try connection.fetch(
                "SELECT endpoint_key, route, circuit, consecutive_failures, open_until, changed_at, worker_id "
                    + "FROM outbound_route_state ORDER BY endpoint_key, route",
                purpose: "read route states"
            ) { row in
                guard let route = OutboundRouteState.Route(rawValue: row.text(1)),
                      let circuit = OutboundRouteState.Circuit(rawValue: row.text(2)) else {
                    throw StoreError.corrupt(operation: "read route states")
                }
                return OutboundRouteState(endpointKey: row.text(0), route: route, circuit: circuit, consecutiveFailures: row.int(3),
                                          openUntil: row.optionalTimestamp(4), changedAt: row.timestamp(5), workerID: row.text(6))
            }
        }
    }

    func recordRouteState(_ state: OutboundRouteState) throws {
        try perform(writing: true) {
            try require(!state.endpointKey.isEmpty && !state.workerID.isEmpty, "a route state needs an endpoint key and a worker")
            _ = try connection.write(
                "INSERT INTO outbound_route_state (endpoint_key, route, circuit, consecutive_failures, open_until, changed_at, worker_id) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (endpoint_key, route) DO UPDATE SET circuit = excluded.circuit, "
                    + "consecutive_failures = excluded.consecutive_failures, open_until = excluded.open_until, "
                    + "changed_at = excluded.changed_at, worker_id = excluded.worker_id",
                [.text(state.endpointKey), .text(state.route.rawValue), .text(state.circuit.rawValue), .int(state.consecutiveFailures),
                 .timestamp(state.openUntil), .timestamp(state.changedAt), .text(state.workerID)],
                purpose: "record route state")
        }
    }

    func nextDueTime(endpointKey: String?) throws -> StoreTimestamp? {
        try perform(writing: false) {
            try connection.fetchOne(
                "SELECT MIN(CASE WHEN m.status = 'pending' THEN m.next_attempt_at ELSE m.lease_expires_at END) "
                    + "FROM outbound_message m WHERE m.status IN ('pending', 'in_flight') "
                    + "AND (? IS NULL OR m.endpoint_key = ?) AND \(Self.isHead)",
                [.text(endpointKey), .text(endpointKey)], purpose: "find next due message"
            ) { $0.optionalTimestamp(0) } ?? nil
        }
    }

    func enqueue(_ message: NewOutboundMessage) throws -> EnqueueOutcome {
        try perform(writing: true) {
            try require(!message.id.isEmpty && !message.endpointKey.isEmpty && !message.idempotencyKey.isEmpty,
                        "an outbound message needs an id, an endpoint key and an idempotency key")
            // A clash on the idempotency key is a result; a clash on the id is an error.
            let written = try connection.writeReturning(
                "INSERT INTO outbound_message (id, endpoint_key, participant_key, priority, idempotency_key, payload, "
                    + "content_type, created_at, status, attempts, next_attempt_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?) "
                    + "ON CONFLICT (endpoint_key, idempotency_key) DO NOTHING",
                [.text(message.id), .text(message.endpointKey), .text(message.participantKey), .int(message.priority.rawValue),
                 .text(message.idempotencyKey), .blob(message.payload), .text(message.contentType), .timestamp(now),
                 .timestamp(message.notBefore ?? now)],
                columns: Self.messageColumns, purpose: "enqueue outbound message", row: Self.message)
            switch written {
            case .row(let inserted?): return .enqueued(inserted)
            case .row(nil), .changed(0):
                guard let existing = try connection.fetchOne(
                    "SELECT \(Self.messageColumns) FROM outbound_message WHERE endpoint_key = ? AND idempotency_key = ?",
                    [.text(message.endpointKey), .text(message.idempotencyKey)], purpose: "read queued message",
                    row: Self.message)
                else { throw StoreError.notFound(what: "queued outbound message") }
                return .alreadyQueued(existing)
            case .changed:
                guard let stored = try connection.fetchOne(
                    "SELECT \(Self.messageColumns) FROM outbound_message WHERE id = ?", [.text(message.id)],
                    purpose: "read enqueued message", row: Self.message)
                else { throw StoreError.notFound(what: "enqueued outbound message") }
                return .enqueued(stored)
            }
        }
    }

    func claimDueMessages(endpointKey: String?, limit: Int, leaseOwner: String, lease: Duration) throws -> [OutboundMessage] {
        try perform(writing: true) {
            try require(limit >= 1, "a claim needs a limit of at least 1")
            try require(!leaseOwner.isEmpty, "a claim needs a lease owner")
            let due = try connection.fetch(
                "SELECT m.seq FROM outbound_message m WHERE (? IS NULL OR m.endpoint_key = ?) "
                    + "AND ((m.status = 'pending' AND m.next_attempt_at <= ?) "
                    + "OR (m.status = 'in_flight' AND m.lease_expires_at <= ?)) "
                    + "AND \(Self.isHead) ORDER BY m.priority, m.seq LIMIT ?\(Connection.claimLockClause)",
                [.text(endpointKey), .text(endpointKey), .timestamp(now), .timestamp(now), .int(limit)],
                purpose: "find due messages") { $0.int64(0) }
            let expiry = now.adding(lease)
            return try due.compactMap { seq in
                let written = try connection.writeReturning(
                    "UPDATE outbound_message SET status = 'in_flight', lease_owner = ?, lease_expires_at = ?, "
                        + "attempts = attempts + 1 WHERE seq = ?",
                    [.text(leaseOwner), .timestamp(expiry), .integer(seq)], columns: Self.messageColumns,
                    purpose: "claim message", row: Self.message)
                if case .row(let claimed) = written { return claimed }
                return try connection.fetchOne(
                    "SELECT \(Self.messageColumns) FROM outbound_message WHERE seq = ?", [.integer(seq)],
                    purpose: "read claimed message", row: Self.message)
            }
        }
    }

    func markDelivered(id: String, remoteId: String?, remoteStatus: String?) throws -> Bool {
        try perform(writing: true) {
            try connection.write(
                "UPDATE outbound_message SET status = 'delivered', remote_id = ?, remote_status = ?, delivered_at = ?, "
                    + "lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND status <> 'delivered'",
                [.text(remoteId), .text(remoteStatus), .timestamp(now), .text(id)],
                purpose: "mark message delivered") > 0
        }
    }

    func markHeld(id: String, leaseOwner: String, reason: String, until: StoreTimestamp) throws -> Bool {
        try returnToPending(id: id, leaseOwner: leaseOwner, error: reason, nextAttemptAt: until, countsAsAttempt: false)
    }

    func markFailed(id: String, leaseOwner: String, error: String, nextAttemptAt: StoreTimestamp) throws -> Bool {
        try returnToPending(id: id, leaseOwner: leaseOwner, error: error, nextAttemptAt: nextAttemptAt, countsAsAttempt: true)
    }

    /// The claim ends and the message waits for `nextAttemptAt`; a claim that sent nothing gives
    /// back the attempt the claim counted.
    private func returnToPending(
        id: String, leaseOwner: String, error: String, nextAttemptAt: StoreTimestamp, countsAsAttempt: Bool
    ) throws -> Bool {
        try perform(writing: true) {
            try connection.write(
                "UPDATE outbound_message SET status = 'pending', last_error = ?, next_attempt_at = ?, "
                    + (countsAsAttempt ? "" : "attempts = attempts - 1, ")
                    + "lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND status = 'in_flight' AND lease_owner = ?",
                [.text(error), .timestamp(nextAttemptAt), .text(id), .text(leaseOwner)],
                purpose: countsAsAttempt ? "mark message failed" : "hold message") > 0
        }
    }

    func deadLetter(id: String, leaseOwner: String?, error: String) throws -> Bool {
        try perform(writing: true) {
            let holder = leaseOwner.map { _ in "status = 'in_flight' AND lease_owner = ?" } ?? "status = 'pending'"
            return try connection.write(
                "UPDATE outbound_message SET status = 'dead_letter', last_error = ?, lease_owner = NULL, "
                    + "lease_expires_at = NULL WHERE id = ? AND \(holder)",
                [.text(error), .text(id)] + (leaseOwner.map { [StoreValue.text($0)] } ?? []),
                purpose: "dead-letter message") > 0
        }
    }

    func replayDeadLetter(id: String) throws -> Bool {
        try perform(writing: true) {
            try connection.write(
                "UPDATE outbound_message SET status = 'pending', attempts = 0, next_attempt_at = ? "
                    + "WHERE id = ? AND status = 'dead_letter'",
                [.timestamp(now), .text(id)], purpose: "replay dead letter") > 0
        }
    }
}
