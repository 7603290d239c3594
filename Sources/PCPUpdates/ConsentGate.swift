import Foundation
import GatewayStore
import IOPDomain
import Outbound
import IOPMapping

/// The consent gate over the store (FHIR-RULES.md, privacy), asked just before each send.
///
/// It reads the message's `DisclosureIntent` and the participant's consents as they are now:
/// - permitted → sent, and the disclosure logged with the consent it was made under;
/// - revoked (a revoked consent would have permitted it and no other does) → cancelled (dead
///   letter with the reason), never sent;
/// - no consent for this practice at all (none on record, not yet in effect, expired, another
///   practice named) → held and checked again later, since staff may still record the consent;
///   such a hold stops every message of the participant to that practice alike, so holding it
///   in the participant's queue order costs nothing; after `maximumHold` the news is stale and
///   the message is cancelled;
/// - a consent for this practice that leaves out this kind of news (its category, purpose, or
///   Part 2 records) → cancelled at once: holding it would keep everything queued after it for
///   the participant waiting too; staff replay it (`fhir-gateway queue replay`) once a consent
///   covers it;
/// - no intent on record → cancelled: a message the gate cannot describe is not sent (fail
///   closed).
/// Every decision is audited by the worker; reasons are codes, never patient data.
public struct ConsentGate: DisclosureGate {
    public let store: any GatewayStore
    /// How long a held message waits before it is asked again.
    public var recheckAfter: Duration
    /// How long news may wait for a consent before it is cancelled as stale.
    public var maximumHold: Duration

    /// `maximumHold` defaults to the delivery policy's age cap (72 hours), so news the gate
    /// released is not then too old for its first delivery attempt.
    public init(store: any GatewayStore, recheckAfter: Duration = .seconds(3600), maximumHold: Duration = .seconds(72 * 3600)) {
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
        let reason: ConsentDenial
        switch consents.decision(for: intent.disclosure, at: now) {
        case .permitted(let consentID, _): return .permit(consentID: consentID.rawValue)
        case .denied(let denial): reason = denial
        }
        if ConsentRevocation.stops(intent.disclosure, consents: consents, at: now) {
            return .cancel(reason: ConsentDenial.revoked.rawValue)
        }
        if Self.notCoveredKind.contains(reason) { return .cancel(reason: reason.rawValue) }
        let age = StoreTimestamp.now().microsecondsSinceEpoch - message.createdAt.microsecondsSinceEpoch
        if Duration.microseconds(age) >= maximumHold { return .cancel(reason: reason.rawValue + "; held-too-long") }
        return .hold(reason: reason.rawValue, until: StoreTimestamp.now().adding(recheckAfter))
    }

    /// Denials of this kind of news by a consent that otherwise covers the practice.
    static let notCoveredKind: Set<ConsentDenial> = [.categoryNotCovered, .purposeNotCovered, .part2NotCovered]

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
