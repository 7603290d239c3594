import Foundation

/// A record of the IOP domain (participant, referral, session, plan, consent, ...) as JSON.
///
/// The store does not know the domain types: `IOPDomain` encodes them (they are `Codable`) and
/// names their `kind`; `key` is unique within a kind; `participantKey` lets everything about one
/// participant be listed together.
public struct DomainRow: Hashable, Sendable {
    public var kind: String
    public var key: String
    public var participantKey: String?
    public var json: Data
    /// Set by the store on every upsert.
    public var updatedAt: StoreTimestamp

    public init(kind: String, key: String, participantKey: String?, json: Data, updatedAt: StoreTimestamp) {
        self.kind = kind
        self.key = key
        self.participantKey = participantKey
        self.json = json
        self.updatedAt = updatedAt
    }
}
