import FHIRJSON
import Foundation
import GatewayStore
import IOPDomain
import IOPMapping
import Outbound

/// Queues updates for a participant's PCP practice, in the caller's unit of work: the resource
/// in the form the practice's endpoint takes, the outbound message under the practice's
/// endpoint key, and the `DisclosureIntent` the consent gate reads at send time.
///
/// Consent is not checked here: it is checked just before each send (FHIR-RULES.md), so a
/// consent signed after the news still lets it go and one revoked while it waits stops it.
public enum UpdateDispatcher {
    /// The actor of the audit events the updates write.
    public static let auditActor = "system:updates"

    /// The outbox key of a practice's endpoint: `deliver` runs one worker per key.
    public static func endpointKey(for practice: PrimaryCarePractice.ID) -> String { practice.rawValue }

    /// The form a practice's endpoint takes: a DocumentReference-only EHR gets progress notes for
    /// everything; the others get summaries as notes and notices as Communications.
    public static func form(of update: CareUpdate, for profile: DeliveryProfile) -> UpdateForm {
        if profile == .documentReferenceOnly { return .progressNote }
        if case .summary = update.content { return .progressNote }
        return .communication
    }

    /// Queues `message` with the `DisclosureIntent` the consent gate reads at send time (an
    /// intent is written only when the message is new). Every message the gateway sends to a PCP
    /// goes through here; the benchmarks and the delivery tests, which make their own messages,
    /// use it too, so `deliver` checks their consent as it would any other.
    @discardableResult
    public static func enqueue(_ message: NewOutboundMessage, disclosing disclosure: Disclosure, trigger: CareUpdate.Trigger,
                               resourceType: String, in transaction: any StoreTransaction) throws -> EnqueueOutcome {
        let outcome = try transaction.enqueue(message)
        if case .enqueued = outcome {
            let intent = DisclosureIntent(
                messageID: message.id, disclosure: disclosure, trigger: trigger, resourceType: resourceType,
                resourceID: message.idempotencyKey, queuedAt: transaction.now.date)
            _ = try transaction.upsertDomainRow(kind: DomainRowKind.disclosureIntent, key: message.id,
                                                participantKey: message.participantKey,
                                                json: try DomainRowCoding.encoder().encode(intent))
        }
        return outcome
    }

    /// Queues each update; returns what the outbox did with each (nil for an update with no
    /// practice to go to, which is audited instead).
    @discardableResult
    public static func enqueue(_ updates: [CareUpdate], for records: ParticipantRecords,
                               in transaction: any StoreTransaction) throws -> [EnqueueOutcome?] {
        try updates.map { update in
            guard let practice = records.practice else {
                try transaction.appendAudit(AuditEvent(
                    time: transaction.now, actor: auditActor, action: "queue-update", outcome: "not-routed",
                    detail: "trigger=\(update.trigger.rawValue); reason=no-primary-care-practice-on-record"))
                return nil
            }
            let form = form(of: update, for: practice.endpoint.deliveryProfile)
            let resource = FHIROutboundMapper().resource(for: update, to: practice.id, as: form)
            let resourceID = FHIROutboundMapper.resourceID(of: update)
            let outcome = try enqueue(
                NewOutboundMessage(
                    id: UUID().uuidString.lowercased(), endpointKey: endpointKey(for: practice.id),
                    participantKey: update.participantID.rawValue, priority: OutboundPriority(update.priority), idempotencyKey: resourceID,
                    payload: Data(FHIRJSONWriter().write(resource.element())), contentType: "application/fhir+json"),
                disclosing: update.disclosure(to: practice.id), trigger: update.trigger, resourceType: resource.resourceType,
                in: transaction)
            try transaction.appendAudit(AuditEvent(
                time: transaction.now, actor: auditActor, action: "queue-update", resourceType: resource.resourceType,
                resourceId: outcome.message.id, outcome: { if case .enqueued = outcome { "queued" } else { "already-queued" } }(),
                detail: "trigger=\(update.trigger.rawValue); endpoint=\(endpointKey(for: practice.id)); priority=\(update.priority.rawValue)"))
            return outcome
        }
    }
}
