import Foundation

/// An input held for identity review: nothing of it is stored until a person decides whether
/// its participant is the one on record (`fhir-gateway identities merge`) or another person
/// (`identities keep-apart`); then it is processed as decided and the row says so.
///
/// The row keeps the input's bytes (it must be processed later, exactly as it arrived) and the
/// conflict by participant ids and field names only: `outcome` is the OperationOutcome shown
/// to staff and in the import report, and carries no patient data.
public struct HeldInput: Hashable, Sendable {
    public enum Status: String, Hashable, Sendable, CaseIterable {
        /// Waiting for a decision.
        case held
        /// Processed as the same person as the stored participant.
        case merged
        /// Processed as another person; the pair is remembered.
        case keptApart = "kept_apart"
    }

    /// Stable for the same input and conflict, so holding it again (a re-run) adds nothing.
    public var id: String
    public var status: Status
    /// Where it came from, for people: `import`, the file and line, or `api`.
    public var origin: String
    /// The ledger hash of the file it came from, when it is a whole imported document, so the
    /// decision that processes it also records the file as imported.
    public var contentHash: String?
    /// The input's bytes as received (a Bundle, a resource, an NDJSON line).
    public var input: Data
    /// What new resource ids are derived from (`Intake.prepare(_:idSeed:)`), so the held input
    /// gets the ids it would have got.
    public var idSeed: String
    public var storedParticipant: String
    public var incomingParticipant: String
    /// The fields the records disagree on (`Participant.birthDate`, ...), by name.
    public var fields: [String]
    /// The OperationOutcome (JSON) naming the conflict.
    public var outcome: Data
    /// Set by the store.
    public var heldAt: StoreTimestamp
    public var resolvedAt: StoreTimestamp?
    public var resolvedBy: String?

    public init(id: String, status: Status = .held, origin: String, contentHash: String? = nil, input: Data, idSeed: String,
                storedParticipant: String, incomingParticipant: String, fields: [String], outcome: Data,
                heldAt: StoreTimestamp = StoreTimestamp(microsecondsSinceEpoch: 0), resolvedAt: StoreTimestamp? = nil,
                resolvedBy: String? = nil) {
        self.id = id
        self.status = status
        self.origin = origin
        self.contentHash = contentHash
        self.input = input
        self.idSeed = idSeed
        self.storedParticipant = storedParticipant
        self.incomingParticipant = incomingParticipant
        self.fields = fields
        self.outcome = outcome
        self.heldAt = heldAt
        self.resolvedAt = resolvedAt
        self.resolvedBy = resolvedBy
    }
}
