import Foundation

/// A participant's permission for the IOP to send information to named PCP practices.
///
/// Who (`recipients`), what (`categories`, and Part 2 records only when `coversPart2Records`),
/// why (`purposes`), when (`period`), until revoked. 42 CFR Part 2 requires the consent to name
/// Part 2 records explicitly, so that is a separate flag, never implied by the categories.
///
/// Sets encode as sorted arrays, so the same consent always makes the same JSON.
public struct DisclosureConsent: Hashable, Sendable, Identifiable {
    public typealias ID = EntityID<DisclosureConsent>

    public let id: ID
    public let participantID: Participant.ID
    public var recipients: Set<PrimaryCarePractice.ID>
    public var categories: Set<DisclosureCategory>
    public var purposes: Set<DisclosurePurpose>
    /// Whether substance-use-disorder records of a Part 2 program may be disclosed.
    public var coversPart2Records: Bool
    public var period: DatePeriod
    public var signedAt: Date
    /// When the participant revoked it; disclosures from then on are denied.
    public internal(set) var revokedAt: Date?

    /// - Throws: `missingValue` for empty recipients, categories or purposes (such a consent
    ///   permits nothing and is a data-entry mistake), and `invalidRevocation` when `revokedAt`
    ///   precedes `signedAt`.
    public init(id: ID, participantID: Participant.ID, recipients: Set<PrimaryCarePractice.ID>,
                categories: Set<DisclosureCategory>, purposes: Set<DisclosurePurpose> = [.treatment],
                coversPart2Records: Bool = false, period: DatePeriod, signedAt: Date,
                revokedAt: Date? = nil) throws(DomainError) {
        guard !recipients.isEmpty else { throw .missingValue(.consentRecipients) }
        guard !categories.isEmpty else { throw .missingValue(.consentCategories) }
        guard !purposes.isEmpty else { throw .missingValue(.consentPurposes) }
        if let revokedAt, revokedAt < signedAt { throw .invalidRevocation(.consentRevocation) }
        self.id = id
        self.participantID = participantID
        self.recipients = recipients
        self.categories = categories
        self.purposes = purposes
        self.coversPart2Records = coversPart2Records
        self.period = period
        self.signedAt = signedAt
        self.revokedAt = revokedAt
    }

    /// Records the participant's revocation, effective at `date`.
    ///
    /// - Throws: `invalidRevocation(.consentRevocation)` when already revoked or when `date`
    ///   precedes the signature.
    public mutating func revoke(at date: Date) throws(DomainError) {
        guard revokedAt == nil, date >= signedAt else { throw .invalidRevocation(.consentRevocation) }
        revokedAt = date
    }

    /// Whether the consent has been revoked by `date`.
    public func isRevoked(at date: Date) -> Bool { revokedAt.map { $0 <= date } ?? false }
}
