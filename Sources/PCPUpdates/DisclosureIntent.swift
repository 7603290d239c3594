import Foundation
import IOPDomain

/// What a queued update discloses, written beside the outbound message in the same unit of
/// work, so the consent gate decides at send time from facts, not by reading the payload.
public struct DisclosureIntent: Hashable, Sendable, Codable {
    public var messageID: String
    public var disclosure: Disclosure
    public var trigger: CareUpdate.Trigger
    public var resourceType: String
    public var resourceID: String
    public var queuedAt: Date

    public init(messageID: String, disclosure: Disclosure, trigger: CareUpdate.Trigger, resourceType: String, resourceID: String,
                queuedAt: Date) {
        self.messageID = messageID
        self.disclosure = disclosure
        self.trigger = trigger
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.queuedAt = queuedAt
    }
}

/// One disclosure made: what, to whom, when, under which consent (what a patient may ask for,
/// 45 CFR 164.528 and 42 CFR 2.24). Written in the unit of work that records the delivery.
public struct DisclosureLogEntry: Hashable, Sendable, Codable {
    public var messageID: String
    public var participantID: Participant.ID
    public var recipient: PrimaryCarePractice.ID
    public var endpointKey: String
    public var category: DisclosureCategory
    public var trigger: CareUpdate.Trigger
    public var resourceType: String
    public var resourceID: String
    public var containsPart2Data: Bool
    public var consentID: String?
    public var disclosedAt: Date
    public var remoteID: String?

    public init(intent: DisclosureIntent, endpointKey: String, consentID: String?, disclosedAt: Date, remoteID: String?) {
        self.messageID = intent.messageID
        self.participantID = intent.disclosure.participantID
        self.recipient = intent.disclosure.recipient
        self.endpointKey = endpointKey
        self.category = intent.disclosure.category
        self.trigger = intent.trigger
        self.resourceType = intent.resourceType
        self.resourceID = intent.resourceID
        self.containsPart2Data = intent.disclosure.containsPart2Data
        self.consentID = consentID
        self.disclosedAt = disclosedAt
        self.remoteID = remoteID
    }
}
