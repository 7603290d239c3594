import FHIRCore
import GatewayCrypto
import IOPDomain

/// Thrown out of a unit of work when an incoming participant may be someone already on record
/// and the matching policy will not decide alone (`IdentityPolicy.assess` said `review`). The
/// unit of work rolls back; the importer then holds the input (`IdentityReview.hold`), the API
/// refuses it with 409.
public struct IdentityHold: Error, Sendable, CustomStringConvertible {
    public let conflict: IdentityConflict
    /// Tells this incoming record from another one mapped to the same id (`Participant.identityFacts`).
    public let fingerprint: String

    public init(conflict: IdentityConflict, fingerprint: String) {
        self.conflict = conflict
        self.fingerprint = fingerprint
    }

    /// The OperationOutcome issue: both records by id and the fields, never their values.
    public var issue: Issue {
        let element = conflict.fields.first.map { $0.rawValue.replacingOccurrences(of: "Participant.", with: "Patient.") }
        return Issue(.error, .conflict, conflict.description, expression: element)
    }

    public var description: String { issue.description }

    static func fingerprint(of participant: Participant) -> String {
        String(SHA256Digest.hash(lengthPrefixed: participant.identityFacts).hex.prefix(32))
    }
}
