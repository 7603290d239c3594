import Foundation
import GatewayIntake
import GatewayStore
import IOPDomain
import IOPMapping
import Outbound
import PCPUpdates

/// Messages that tests and benchmarks of the delivery machinery make themselves, queued the way
/// the gateway's own updates are: with the disclosure intent the consent gate reads, and a
/// consent of the (made-up) participant naming the endpoint's practice. `deliver` then checks
/// them like any other message, instead of cancelling what it cannot describe.
public enum ConsentedMessages {
    /// Queues `message` (an appointments notice as far as the gate knows) and records the consent
    /// that permits it, in the caller's unit of work.
    @discardableResult
    public static func enqueue(_ message: NewOutboundMessage, in transaction: any StoreTransaction) throws -> EnqueueOutcome {
        let participant = Participant.ID(message.participantKey)
        let practice = PrimaryCarePractice.ID(message.endpointKey)
        if try transaction.domainRow(kind: DomainRowKind.consent, key: consentID(participant, practice).rawValue) == nil {
            var records = DomainRecords()
            records.consents = [try DisclosureConsent(
                id: consentID(participant, practice), participantID: participant, recipients: [practice],
                categories: Set(DisclosureCategory.allCases), period: .unbounded, signedAt: Date(timeIntervalSince1970: 0))]
            try DomainRowWriter.write(records, in: transaction)
        }
        return try UpdateDispatcher.enqueue(
            message, disclosing: Disclosure(participantID: participant, recipient: practice, category: .appointments),
            trigger: .platformOutage, resourceType: "Communication", in: transaction)
    }

    static func consentID(_ participant: Participant.ID, _ practice: PrimaryCarePractice.ID) -> DisclosureConsent.ID {
        DisclosureConsent.ID("consent-\(participant.rawValue)-\(practice.rawValue)")
    }
}
