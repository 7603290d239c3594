import Foundation

/// Sets are written as sorted arrays, so equal consents make byte-equal JSON (the store may
/// hash rows); decoding goes through the checking initialiser.
extension DisclosureConsent: Codable {
    private enum CodingKeys: String, CodingKey {
        case id, participantID, recipients, categories, purposes, coversPart2Records, period, signedAt, revokedAt
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        do {
            try self.init(
                id: c.decode(ID.self, forKey: .id),
                participantID: c.decode(Participant.ID.self, forKey: .participantID),
                recipients: Set(c.decode([PrimaryCarePractice.ID].self, forKey: .recipients)),
                categories: Set(c.decode([DisclosureCategory].self, forKey: .categories)),
                purposes: Set(c.decode([DisclosurePurpose].self, forKey: .purposes)),
                coversPart2Records: c.decode(Bool.self, forKey: .coversPart2Records),
                period: c.decode(DatePeriod.self, forKey: .period),
                signedAt: c.decode(Date.self, forKey: .signedAt),
                revokedAt: c.decodeIfPresent(Date.self, forKey: .revokedAt))
        } catch let error as DomainError {
            throw DecodingError.dataCorruptedError(forKey: .id, in: c, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(participantID, forKey: .participantID)
        try c.encode(recipients.sorted(), forKey: .recipients)
        try c.encode(categories.sorted(), forKey: .categories)
        try c.encode(purposes.sorted(), forKey: .purposes)
        try c.encode(coversPart2Records, forKey: .coversPart2Records)
        try c.encode(period, forKey: .period)
        try c.encode(signedAt, forKey: .signedAt)
        try c.encodeIfPresent(revokedAt, forKey: .revokedAt)
    }
}
