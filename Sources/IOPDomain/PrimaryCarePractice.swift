/// A primary-care practice the IOP reports to, with its EHR endpoint.
///
/// Configured once per practice; participants and referrals point at it by ID, and disclosure
/// consents name it as the recipient.
public struct PrimaryCarePractice: Hashable, Sendable, Codable, Identifiable {
    public typealias ID = EntityID<PrimaryCarePractice>

    public let id: ID
    public var name: String
    /// The practice's organisation identifiers, e.g. its NPI.
    public var identifiers: [BusinessIdentifier]
    public var endpoint: PracticeEndpoint

    /// - Throws: `missingValue(.practiceName)` for a blank name.
    public init(id: ID, name: String, identifiers: [BusinessIdentifier] = [], endpoint: PracticeEndpoint) throws(DomainError) {
        guard name.hasContent else { throw .missingValue(.practiceName) }
        self.id = id
        self.name = name
        self.identifiers = identifiers
        self.endpoint = endpoint
    }
}
