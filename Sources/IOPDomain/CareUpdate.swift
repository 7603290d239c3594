import Foundation

/// One piece of news for a participant's PCP: a progress summary or a notice of an event.
///
/// Updates are composed from coded facts of the domain (statuses, reason codes, goals,
/// prescriptions, a clinician's message written for the PCP), never from staff's notes on a
/// session, so no path leads from session narrative to what leaves the program.
public struct CareUpdate: Hashable, Sendable {
    /// What made the gateway write it.
    public enum Trigger: String, Hashable, Sendable, Codable, CaseIterable {
        case scheduledSummary = "scheduled-summary"
        case referralAccepted = "referral-accepted"
        case discharged
        case steppedDown = "stepped-down"
        case missedSessions = "missed-sessions"
        case medicationChange = "medication-change"
        case platformOutage = "platform-outage"
        case crisisNotice = "crisis-notice"
    }

    public enum Content: Hashable, Sendable {
        case summary(ProgressSummary)
        /// A short notice: a headline and one line per fact.
        case notice(headline: String, lines: [String])
    }

    public var trigger: Trigger
    public var participantID: Participant.ID
    public var priority: MessagePriority
    public var occurredAt: Date
    /// Stable for the same news: the outbox keeps one message per key and endpoint, so the same
    /// change seen twice (a bundle posted again, two gateway processes) is sent once.
    public var key: String
    public var content: Content
    /// Whether any fact in it is a 42 CFR Part 2 record.
    public var containsPart2Data: Bool

    public init(trigger: Trigger, participantID: Participant.ID, priority: MessagePriority, occurredAt: Date, key: String,
                content: Content, containsPart2Data: Bool) {
        self.trigger = trigger
        self.participantID = participantID
        self.priority = priority
        self.occurredAt = occurredAt
        self.key = key
        self.content = content
        self.containsPart2Data = containsPart2Data
    }

    /// A scheduled summary; its key is the summary's id, which names the participant and the
    /// period (`FHIROutboundMapper.summaryID`), so each period is reported once.
    public static func summary(_ summary: ProgressSummary, trigger: Trigger = .scheduledSummary) -> CareUpdate {
        CareUpdate(trigger: trigger, participantID: summary.participantID, priority: .routine, occurredAt: summary.authoredAt,
                          key: "summary:" + summary.id.rawValue, content: .summary(summary),
                          containsPart2Data: summary.containsPart2Data)
    }

    /// The headline a PCP sees first.
    public var headline: String {
        switch content {
        case .summary: "IOP progress summary"
        case .notice(let headline, _): headline
        }
    }
}

extension CareUpdate.Trigger {
    /// What kind of message to the PCP it makes; its disclosure category follows from that.
    public var messageCategory: CareMessageCategory {
        switch self {
        case .scheduledSummary: .progressSummary
        case .referralAccepted, .discharged, .steppedDown: .administrative
        case .missedSessions, .platformOutage: .appointmentUpdate
        case .medicationChange: .medicationChange
        case .crisisNotice: .crisisNotice
        }
    }
}

extension CareUpdate: Disclosable {
    public var disclosureCategory: DisclosureCategory { trigger.messageCategory.disclosureCategory }
}
