import Foundation

/// How urgent an outbound message is. Lower raw values go first: a crisis notice never waits
/// behind routine summaries (ARCHITECTURE.md decision 6).
public enum OutboundPriority: Int, Hashable, Sendable, Comparable, CaseIterable {
    case crisis = 0
    case urgent = 1
    case routine = 2

    public static func < (lhs: OutboundPriority, rhs: OutboundPriority) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Where a message is in its life.
public enum OutboundStatus: String, Hashable, Sendable, CaseIterable {
    /// Waiting for its first attempt or, after a failure (`attempts > 0`), its next one.
    case pending
    /// Claimed by a worker until `leaseExpiresAt`; claimable again after that.
    case inFlight = "in_flight"
    case delivered
    /// Given up on; waits for an operator to replay it. Does not hold back later messages.
    case deadLetter = "dead_letter"
}

/// A message to enqueue, written in the same unit of work as the change that causes it.
public struct NewOutboundMessage: Hashable, Sendable {
    /// Unique among all messages; chosen by the caller (a UUID).
    public var id: String
    /// The PCP endpoint (configuration key).
    public var endpointKey: String
    /// Messages of one participant to one endpoint are delivered in order.
    public var participantKey: String
    public var priority: OutboundPriority
    /// Unique per endpoint: enqueueing the same key twice keeps the first message. Sent to the
    /// receiver (or kept in the delivery ledger) so a retry never files a second note.
    public var idempotencyKey: String
    public var payload: Data
    /// `application/fhir+json`, ...
    public var contentType: String
    /// First attempt not before this (default: now).
    public var notBefore: StoreTimestamp?

    public init(
        id: String, endpointKey: String, participantKey: String, priority: OutboundPriority, idempotencyKey: String,
        payload: Data, contentType: String, notBefore: StoreTimestamp? = nil
    ) {
        self.id = id
        self.endpointKey = endpointKey
        self.participantKey = participantKey
        self.priority = priority
        self.idempotencyKey = idempotencyKey
        self.payload = payload
        self.contentType = contentType
        self.notBefore = notBefore
    }
}

/// A message in the outbox, with its delivery state.
public struct OutboundMessage: Hashable, Sendable {
    public var id: String
    public var endpointKey: String
    public var participantKey: String
    public var priority: OutboundPriority
    public var idempotencyKey: String
    public var payload: Data
    public var contentType: String
    public var createdAt: StoreTimestamp
    public var status: OutboundStatus
    /// Claims so far, including the current one: a worker that crashed mid-send counts.
    public var attempts: Int
    public var nextAttemptAt: StoreTimestamp
    public var leaseOwner: String?
    public var leaseExpiresAt: StoreTimestamp?
    /// The last failure, as written by the worker (no patient data).
    public var lastError: String?
    public var remoteId: String?
    public var remoteStatus: String?
    public var deliveredAt: StoreTimestamp?

    public init(
        id: String, endpointKey: String, participantKey: String, priority: OutboundPriority, idempotencyKey: String,
        payload: Data, contentType: String, createdAt: StoreTimestamp, status: OutboundStatus, attempts: Int,
        nextAttemptAt: StoreTimestamp, leaseOwner: String?, leaseExpiresAt: StoreTimestamp?, lastError: String?,
        remoteId: String?, remoteStatus: String?, deliveredAt: StoreTimestamp?
    ) {
        self.id = id
        self.endpointKey = endpointKey
        self.participantKey = participantKey
        self.priority = priority
        self.idempotencyKey = idempotencyKey
        self.payload = payload
        self.contentType = contentType
        self.createdAt = createdAt
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
        self.lastError = lastError
        self.remoteId = remoteId
        self.remoteStatus = remoteStatus
        self.deliveredAt = deliveredAt
    }
}

/// What an enqueue did.
public enum EnqueueOutcome: Hashable, Sendable {
    case enqueued(OutboundMessage)
    /// A message with the same endpoint and idempotency key was already there; it is returned
    /// unchanged and nothing was written (not an error, so the unit of work goes on).
    case alreadyQueued(OutboundMessage)

    public var message: OutboundMessage {
        switch self {
        case .enqueued(let message), .alreadyQueued(let message): message
        }
    }
}

/// How many messages one endpoint has in one status.
public struct QueueDepth: Hashable, Sendable {
    public var endpointKey: String
    public var status: OutboundStatus
    public var count: Int

    public init(endpointKey: String, status: OutboundStatus, count: Int) {
        self.endpointKey = endpointKey
        self.status = status
        self.count = count
    }
}
