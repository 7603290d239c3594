import Foundation
import GatewayStore
import IOPDomain
import IOPMapping

/// What a committed change to a participant's records causes, in the same unit of work as the
/// change (so the news and the change commit or roll back together): the medication changes
/// are kept, the updates the triggers find are queued, and a consent revoked by the change
/// cancels the messages still waiting that it no longer permits.
public enum ParticipantChangeUpdates {
    public static func apply(before: ParticipantRecords?, after: ParticipantRecords, in transaction: any StoreTransaction) throws {
        let now = transaction.now.date
        let changes = CareUpdateTriggers.medicationChanges(before: before, after: after, at: now)
        let encoder = DomainRowCoding.encoder()
        for change in changes {
            _ = try transaction.upsertDomainRow(
                kind: DomainRowKind.medicationChange,
                key: "\(change.orderID.rawValue)|\(change.kind.rawValue)|\(ReportDate.minute(change.observedAt))",
                participantKey: after.participant.id.rawValue, json: try encoder.encode(change))
        }
        var current = after
        current.medicationChanges += changes
        let updates = CareUpdateTriggers.updates(before: before, after: current, medicationChanges: changes, at: now)
        try UpdateDispatcher.enqueue(updates, for: current, in: transaction)
        if revokesConsent(before: before, after: after) {
            try ConsentRevocation.cancelWaiting(participant: after.participant.id, consents: after.consents, in: transaction)
        }
    }

    static func revokesConsent(before: ParticipantRecords?, after: ParticipantRecords) -> Bool {
        let wasRevoked = Set((before?.consents ?? []).filter { $0.revokedAt != nil }.map(\.id))
        return after.consents.contains { $0.revokedAt != nil && !wasRevoked.contains($0.id) }
    }
}

/// Stops what a revocation no longer permits at once, rather than when each message comes up:
/// a participant who revokes expects nothing more to leave, even from a queue that is waiting
/// for an endpoint to come back. Messages in flight are stopped by the gate at their send.
public enum ConsentRevocation {
    public static func cancelWaiting(participant: Participant.ID, consents: [DisclosureConsent],
                                     in transaction: any StoreTransaction) throws {
        let decoder = DomainRowCoding.decoder()
        let now = transaction.now.date
        for row in try transaction.domainRows(participantKey: participant.rawValue, kind: DomainRowKind.disclosureIntent) {
            let intent = try decoder.decode(DisclosureIntent.self, from: row.json)
            guard stops(intent.disclosure, consents: consents, at: now),
                  try transaction.deadLetter(id: intent.messageID, leaseOwner: nil, error: "cancelled by consent revocation: revoked")
            else { continue }
            try transaction.appendAudit(AuditEvent(
                time: transaction.now, actor: UpdateDispatcher.auditActor, action: "disclose", resourceType: intent.resourceType,
                resourceId: intent.messageID, outcome: "cancelled", detail: "message=\(intent.messageID); reason=revoked"))
        }
    }

    /// Whether a revocation stops `disclosure`: a revoked consent would have permitted it, and
    /// no consent in force does. Judged per consent, not by the participant's latest one, so
    /// revoking the consent for one practice stops its news even when a newer consent names
    /// another.
    public static func stops(_ disclosure: Disclosure, consents: [DisclosureConsent], at date: Date) -> Bool {
        guard !consents.decision(for: disclosure, at: date).isPermitted else { return false }
        return consents.contains { $0.isRevoked(at: date) && $0.wouldPermitUnlessRevoked(disclosure, at: date) }
    }
}
