import GatewayStore
import IOPMapping

/// Finds a participant's key from what staff type: the gateway's id, or an identifier as
/// `system|value` (an MRN from the referral).
public enum ParticipantLookup {
    public static func key(for text: String, in reader: any StoreReader) throws -> String? {
        if try reader.domainRow(kind: DomainRowKind.participant, key: text) != nil { return text }
        guard text.contains("|") else { return nil }
        return try reader.domainRow(kind: DomainRowKind.participantIdentifier, key: text)?.participantKey
    }
}
