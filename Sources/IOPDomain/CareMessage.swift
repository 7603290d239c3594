import Foundation

/// A message between the IOP and a participant's primary care.
///
/// The text is what the PCP reads; it must never be session narrative (psychotherapy notes),
/// and the gateway's summaries are built from `ProgressSummary`, not typed in here.
public struct CareMessage: Hashable, Sendable, Codable, Identifiable {
    public typealias ID = EntityID<CareMessage>

    public let id: ID
    public let participantID: Participant.ID
    public var sender: CareParty
    /// Never empty.
    public var recipients: [CareParty]
    public var category: CareMessageCategory
    /// As chosen by the sender; see `effectivePriority`.
    public var priority: MessagePriority
    public var text: String
    public var createdAt: Date
    /// The session an appointment update is about, when there is one.
    public var sessionID: ProgramSession.ID?
    /// Whether the text includes 42 CFR Part 2 records (e.g. a medication change for opioid use
    /// disorder treatment).
    public var containsPart2Data: Bool

    /// - Throws: `missingValue(.messageRecipients)` with no recipient and
    ///   `missingValue(.messageText)` for blank text (FHIR forbids empty strings, and an empty
    ///   message to a PCP is always a bug).
    public init(id: ID, participantID: Participant.ID, sender: CareParty, recipients: [CareParty],
                category: CareMessageCategory, priority: MessagePriority = .routine, text: String, createdAt: Date,
                sessionID: ProgramSession.ID? = nil, containsPart2Data: Bool = false) throws(DomainError) {
        guard !recipients.isEmpty else { throw .missingValue(.messageRecipients) }
        guard text.hasContent else { throw .missingValue(.messageText) }
        self.id = id
        self.participantID = participantID
        self.sender = sender
        self.recipients = recipients
        self.category = category
        self.priority = priority
        self.text = text
        self.createdAt = createdAt
        self.sessionID = sessionID
        self.containsPart2Data = containsPart2Data
    }

    /// The priority the queue uses: at least the category's minimum.
    public var effectivePriority: MessagePriority { max(priority, category.minimumPriority) }

    /// One disclosure per PCP practice among the recipients, each checked against consent
    /// separately: a participant may allow one practice and not another.
    public func disclosures(purpose: DisclosurePurpose = .treatment) -> [Disclosure] {
        var seen: Set<PrimaryCarePractice.ID> = []
        return recipients.compactMap(\.practiceID).filter { seen.insert($0).inserted }
            .map { disclosure(to: $0, purpose: purpose) }
    }
}

extension CareMessage: Disclosable {
    public var disclosureCategory: DisclosureCategory { category.disclosureCategory }
}
