/// Two participant records the matching policy will not decide on alone: a person must say
/// whether they are one person (`identities merge`) or two (`identities keep-apart`).
///
/// Names both records by the gateway's ids and the fields that disagree, never by their values:
/// its description goes into the OperationOutcome, the import report and the audit log.
public struct IdentityConflict: Hashable, Sendable, Codable, Error, CustomStringConvertible {
    /// The participant already on record.
    public var storedID: Participant.ID
    /// The id the incoming record was mapped with.
    public var incomingID: Participant.ID
    /// `Participant.birthDate` or `Participant.name` when a matching identifier is shared and
    /// they disagree; `Participant.identifier` when only identifiers that cannot match are shared.
    public var fields: [DomainField]

    public init(storedID: Participant.ID, incomingID: Participant.ID, fields: [DomainField]) {
        self.storedID = storedID
        self.incomingID = incomingID
        self.fields = fields
    }

    public var description: String {
        let names = fields.map(\.rawValue).joined(separator: ", ")
        // The incoming record is mapped to the stored id when its matching identifier is the
        // one the id is made from.
        let incoming = incomingID == storedID ? "the incoming record (mapped to the same id)" : "participant \(incomingID)"
        if fields == [.participantIdentifier] {
            return "\(incoming) shares only identifiers that cannot match alone (SSN, driver's licence, "
                + "passport or an unlisted system) with participant \(storedID); held for review"
        }
        return "\(incoming) shares a matching identifier with participant \(storedID) but they disagree on "
            + "\(names); held for review"
    }
}

/// What the matching policy says of an incoming record against one already on record.
public enum IdentityAssessment: Hashable, Sendable {
    /// No identifier in common: two people.
    case differentPeople
    /// A matching identifier in common and nothing that disagrees: merge.
    case samePerson
    /// Held for a person to decide; the fields say why.
    case review([DomainField])
}

/// What a person decided about a held pair, remembered so the same pair is not held again.
public enum IdentityVerdict: String, Hashable, Sendable, Codable {
    case samePerson = "same-person"
    case keptApart = "kept-apart"
}
