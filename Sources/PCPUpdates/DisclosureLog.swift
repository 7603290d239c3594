import Foundation
import GatewayStore
import IOPDomain
import IOPMapping

/// A participant's accounting of disclosures: what left, to whom, when, under which consent,
/// and what was queued but withheld (held for a consent, or cancelled), from the store.
public enum DisclosureLog {
    public struct Withheld: Hashable, Sendable {
        public var intent: DisclosureIntent
        public var status: OutboundStatus
        /// The gate's or the worker's last word (codes only).
        public var reason: String?
    }

    /// Disclosures made, oldest first. Within one second (the rows' date precision) they are in
    /// the order they were queued, which is the order a participant's messages are sent in.
    public static func disclosures(of participant: Participant.ID, from reader: any StoreReader) throws -> [DisclosureLogEntry] {
        let decoder = DomainRowCoding.decoder()
        return try reader.domainRows(participantKey: participant.rawValue, kind: DomainRowKind.disclosure)
            .map { row -> (DisclosureLogEntry, Int64) in
                let entry = try decoder.decode(DisclosureLogEntry.self, from: row.json)
                return (entry, try reader.outboundMessage(id: entry.messageID)?.createdAt.microsecondsSinceEpoch ?? 0)
            }
            .sorted { ($0.0.disclosedAt, $0.1, $0.0.messageID) < ($1.0.disclosedAt, $1.1, $1.0.messageID) }
            .map(\.0)
    }

    /// Updates queued for the participant that have not (yet) been disclosed, oldest first.
    public static func withheld(of participant: Participant.ID, from reader: any StoreReader) throws -> [Withheld] {
        let decoder = DomainRowCoding.decoder()
        return try reader.domainRows(participantKey: participant.rawValue, kind: DomainRowKind.disclosureIntent)
            .map { try decoder.decode(DisclosureIntent.self, from: $0.json) }
            .compactMap { intent -> Withheld? in
                guard let message = try reader.outboundMessage(id: intent.messageID), message.status != .delivered else { return nil }
                return Withheld(intent: intent, status: message.status, reason: message.lastError)
            }
            .sorted { ($0.intent.queuedAt, $0.intent.messageID) < ($1.intent.queuedAt, $1.intent.messageID) }
    }
}
