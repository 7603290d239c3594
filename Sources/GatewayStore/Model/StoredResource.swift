import Foundation

/// One version of a FHIR resource as the store holds it.
///
/// `body` is the bytes the caller wrote (the codec's canonical JSON), never a parsed form, so a
/// read gives back exactly what was accepted. `versionId` and `lastUpdated` are the store's:
/// a caller that wants them inside `meta` renders them itself, knowing that a create is
/// version 1, an update is the current version plus one, and every write of a unit of work
/// carries that unit's `StoreTransaction.now`.
public struct StoredResource: Hashable, Sendable {
    public var type: String
    public var id: String
    /// 1, 2, 3, ... per resource; FHIR `meta.versionId` and the `ETag` `W/"n"`.
    public var versionId: Int
    public var lastUpdated: StoreTimestamp
    /// A delete is recorded as a version with an empty body (FHIR answers 410 Gone for it).
    public var isDeleted: Bool
    /// Lowercase hex SHA-256 of `body` (see `ContentHash`).
    public var contentHash: String
    public var body: Data

    public init(
        type: String, id: String, versionId: Int, lastUpdated: StoreTimestamp, isDeleted: Bool,
        contentHash: String, body: Data
    ) {
        self.type = type
        self.id = id
        self.versionId = versionId
        self.lastUpdated = lastUpdated
        self.isDeleted = isDeleted
        self.contentHash = contentHash
        self.body = body
    }

    /// `Type/id`, the relative reference.
    public var reference: String { "\(type)/\(id)" }
}

/// What an update did: a new version of an existing resource, or (update-as-create with a
/// client-chosen id) version 1.
public struct UpdateOutcome: Hashable, Sendable {
    public var resource: StoredResource
    public var created: Bool

    public init(resource: StoredResource, created: Bool) {
        self.resource = resource
        self.created = created
    }
}

/// What a conditional create did (FHIR R4 http.html §3.1.0.8, `If-None-Exist`).
public enum ConditionalCreateOutcome: Hashable, Sendable {
    /// No resource matched: this one was created (201).
    case created(StoredResource)
    /// Exactly one matched: nothing was written (200 with the existing resource).
    case matched(StoredResource)
    /// Several matched: nothing was written (412).
    case multipleMatches(count: Int)
}
