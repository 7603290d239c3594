/// A clinician named on a record: the referring PCP, an IOP prescriber or facilitator.
///
/// A value, not an entity with its own lifecycle: the gateway does not manage staff; it only
/// carries who did what, identified by NPI where known.
public struct Clinician: Hashable, Sendable, Codable {
    public var identifiers: [BusinessIdentifier]
    public var name: PersonName

    public init(identifiers: [BusinessIdentifier] = [], name: PersonName) {
        self.identifiers = identifiers
        self.name = name
    }

    /// The National Provider Identifier, when one is recorded.
    public var npi: String? {
        identifiers.first { $0.system == BusinessIdentifier.Systems.npi }?.value
    }
}
