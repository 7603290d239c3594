import Foundation
import GatewayStore
import IOPDomain
import Outbound

/// The consent gate over the store (FHIR-RULES.md, privacy), asked just before each send.
///
/// It reads the message's `DisclosureIntent` and the participant's consents as they are now:
/// - permitted → sent, and the disclosure logged with the consent it was made under;
/// - revoked → cancelled (dead letter with the reason), never sent;
/// - any other denial (no consent yet, another practice, a category or Part 2 not covered, not
///   yet in effect, expired) → held and checked again later, since staff may still record the
///   consent; after `maximumHold` the news is stale and the message is cancelled;
/// - no intent on record → cancelled: a message the gate cannot describe is not sent (fail
///   closed).
/// Every decision is audited by the worker; reasons are codes, never patient data.
public struct ConsentGate: DisclosureGate {
    public let store: any GatewayStore
    /// How long a held message waits before it is asked again.
    public var recheckAfter: Duration
    /// How long news may wait for a consent before it is cancelled as stale.
    public var maximumHold: Duration

    public init(store: any GatewayStore, recheckAfter: Duration = .seconds(3600), maximumHold: Duration = .seconds(14 * 86_400)) {
        self.store = store
        self.recheckAfter = recheckAfter
        self.maximumHold = maximumHold
    }

    public func check(_ message: OutboundMessage, endpoint: OutboundEndpoint) async -> DisclosureDecision {
        let looked: (DisclosureIntent, [DisclosureConsent])?
        do {
            looked = try await store.readAsync { reader -> (DisclosureIntent, [DisclosureConsent])? in
                guard let row = try reader.domainRow(kind: DomainRowKind.disclosureIntent, key: message.id) else { return nil }
                let intent = try DomainRowCoding.decoder().decode(DisclosureIntent.self, from: row.json)
                let consents = try ParticipantRecordsLoader.consents(participantKey: intent.disclosure.participantID.rawValue, from: reader)
                return (intent, consents)
            }
        } catch {
            // The store could not answer: ask again soon rather than send unchecked.
            return .hold(reason: "consent-check-failed", until: StoreTimestamp.now().adding(.seconds(60)))
        }
        guard let (intent, consents) = looked else { return .cancel(reason: "no-disclosure-intent") }
        let now = Date()
        switch consents.decision(for: intent.disclosure, at: now) {
        case .permitted(let consentID, _):
            return .permit(consentID: consentID.rawValue)
        case .denied(.revoked):
            return .cancel(reason: ConsentDenial.revoked.rawValue)
        case .denied(let reason):
            let age = StoreTimestamp.now().microsecondsSinceEpoch - message.createdAt.microsecondsSinceEpoch
            if Duration.microseconds(age) >= maximumHold { return .cancel(reason: reason.rawValue + "; held-too-long") }
            return .hold(reason: reason.rawValue, until: StoreTimestamp.now().adding(recheckAfter))
        }
    }

    /// The disclosure log entry, in the unit of work that marks the message delivered.
    public func recordDisclosure(of message: OutboundMessage, endpointKey: String, consentID: String?, remoteID: String?,
                                 in transaction: any StoreTransaction) throws {
        guard let row = try transaction.domainRow(kind: DomainRowKind.disclosureIntent, key: message.id) else { return }
        let intent = try DomainRowCoding.decoder().decode(DisclosureIntent.self, from: row.json)
        let entry = DisclosureLogEntry(intent: intent, endpointKey: endpointKey, consentID: consentID, disclosedAt: transaction.now.date,
                                       remoteID: remoteID)
        _ = try transaction.upsertDomainRow(kind: DomainRowKind.disclosure, key: message.id, participantKey: row.participantKey,
                                            json: try DomainRowCoding.encoder().encode(entry))
    }
}
