/// One intended release of a participant's information to a PCP practice: what the consent
/// check is asked about just before a message is sent.
///
/// It describes the message, it does not contain it: the category, the purpose and whether any
/// Part 2 record is inside are enough to decide, and the decision is recorded for audit.
public struct Disclosure: Hashable, Sendable, Codable {
    public var participantID: Participant.ID
    public var recipient: PrimaryCarePractice.ID
    public var category: DisclosureCategory
    public var purpose: DisclosurePurpose
    /// Whether the content includes records of a 42 CFR Part 2 program.
    public var containsPart2Data: Bool

    public init(participantID: Participant.ID, recipient: PrimaryCarePractice.ID, category: DisclosureCategory,
                purpose: DisclosurePurpose = .treatment, containsPart2Data: Bool = false) {
        self.participantID = participantID
        self.recipient = recipient
        self.category = category
        self.purpose = purpose
        self.containsPart2Data = containsPart2Data
    }

    /// The §2.32 notice this disclosure must carry, or `nil` when it has no Part 2 data.
    public var redisclosureNotice: String? { containsPart2Data ? RedisclosureNotice.part2ShortForm : nil }
}
