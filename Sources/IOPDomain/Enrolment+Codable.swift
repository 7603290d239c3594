/// Decoding replays the history through the lifecycle rules, so a store row edited by hand or
/// written by an older, buggier version cannot produce an impossible enrolment.
extension Enrolment: Codable {
    private enum CodingKeys: String, CodingKey {
        case id, participantID, referralIdentifiers, referringProvider, referralReason, containsPart2Data, status, history
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        do {
            try self.init(
                id: container.decode(ID.self, forKey: .id),
                participantID: container.decode(Participant.ID.self, forKey: .participantID),
                referralIdentifiers: container.decodeIfPresent([BusinessIdentifier].self, forKey: .referralIdentifiers) ?? [],
                referringProvider: container.decode(PrimaryCareProvider.self, forKey: .referringProvider),
                referralReason: container.decodeIfPresent(String.self, forKey: .referralReason),
                containsPart2Data: container.decodeIfPresent(Bool.self, forKey: .containsPart2Data) ?? false,
                history: container.decode([EnrolmentStatusChange].self, forKey: .history))
        } catch let error as DomainError {
            throw DecodingError.dataCorruptedError(forKey: .history, in: container, debugDescription: error.description)
        }
    }

    /// Writes `status` too, though decoding ignores it, so the store can query it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(participantID, forKey: .participantID)
        try container.encode(referralIdentifiers, forKey: .referralIdentifiers)
        try container.encode(referringProvider, forKey: .referringProvider)
        try container.encodeIfPresent(referralReason, forKey: .referralReason)
        try container.encode(containsPart2Data, forKey: .containsPart2Data)
        try container.encode(status, forKey: .status)
        try container.encode(history, forKey: .history)
    }
}
