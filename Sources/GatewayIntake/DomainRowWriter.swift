import Foundation
import GatewayStore
import IOPDomain
import IOPMapping

/// Writes mapped domain records as the store's domain rows (JSON, keyed by kind and id), in the
/// caller's unit of work. Participants are matched on identifiers (same system and value, same
/// person: `Participant+Identity.swift`) against those already stored, so the same referral
/// imported twice, or arriving by two routes, makes one participant.
public enum DomainRowWriter {
    /// The row kinds, shared with the readers (`DomainRowKind`).
    public typealias Kind = DomainRowKind

    /// The ids of this input's participants that are already stored under another id (matched on
    /// identifiers): incoming id → stored id.
    public static func storedIDs(for records: DomainRecords, in transaction: any StoreTransaction) throws -> [String: String] {
        var renamed: [String: String] = [:]
        for incoming in records.participants {
            if let existing = try storedMatch(for: incoming, in: transaction), existing.id != incoming.id {
                renamed[incoming.id.rawValue] = existing.id.rawValue
            }
        }
        return renamed
    }

    public static func write(_ records: DomainRecords, in transaction: any StoreTransaction) throws {
        try write(records, renamed: storedIDs(for: records, in: transaction), in: transaction)
    }

    /// `renamed` is `storedIDs(for:in:)` of the same input in the same unit of work.
    static func write(_ records: DomainRecords, renamed: [String: String], in transaction: any StoreTransaction) throws {
        let encoder = DomainRowCoding.encoder()

        // Participants first: a match with a stored participant keeps the stored id, and every
        // other record of this input that names the new id is moved onto it.
        for incoming in records.participants {
            let existing = try storedMatch(for: incoming, in: transaction)
            let participant = try existing.map { try $0.merged(with: incoming) } ?? incoming
            let key = participant.id.rawValue
            try transaction.upsertDomainRow(
                kind: Kind.participant, key: key, participantKey: key, json: try encoder.encode(participant))
            for identifier in participant.identifiers {
                try transaction.upsertDomainRow(
                    kind: Kind.participantIdentifier, key: identifierKey(identifier), participantKey: key,
                    json: Data(#"{"participant":"\#(key)"}"#.utf8))
            }
        }

        func put<T: Encodable>(_ values: [T], kind: String, key: (T) -> String, participant: (T) -> String?) throws {
            for value in values {
                var json = try encoder.encode(value)
                var participantKey = participant(value)
                if let old = participantKey, let new = renamed[old] {
                    // Ids are UUID-like tokens that occur only as JSON strings, so a textual
                    // replacement of the quoted id moves every reference at once.
                    json = Data(String(decoding: json, as: UTF8.self)
                        .replacingOccurrences(of: "\"\(old)\"", with: "\"\(new)\"").utf8)
                    participantKey = new
                }
                try transaction.upsertDomainRow(kind: kind, key: key(value), participantKey: participantKey, json: json)
            }
        }
        try put(records.practices, kind: Kind.practice, key: { $0.id.rawValue }, participant: { _ in nil })
        try put(records.enrolments, kind: Kind.enrolment, key: { $0.id.rawValue }, participant: { $0.participantID.rawValue })
        try put(records.sessions, kind: Kind.session, key: { $0.id.rawValue }, participant: { $0.participantID.rawValue })
        try put(records.treatmentPlans, kind: Kind.treatmentPlan, key: { $0.id.rawValue }, participant: { $0.participantID.rawValue })
        try put(records.medicationOrders, kind: Kind.medicationOrder, key: { $0.id.rawValue }, participant: { $0.participantID.rawValue })
        try put(records.careMessages, kind: Kind.careMessage, key: { $0.id.rawValue }, participant: { $0.participantID.rawValue })
        try put(records.consents, kind: Kind.consent, key: { $0.id.rawValue }, participant: { $0.participantID.rawValue })
        try put(records.progressSummaries, kind: Kind.progressSummary, key: { $0.id.rawValue }, participant: { $0.participantID.rawValue })
    }

    /// The stored participant sharing an identifier with this one, if any.
    static func storedMatch(for participant: Participant, in transaction: any StoreTransaction) throws -> Participant? {
        let decoder = DomainRowCoding.decoder()
        for identifier in participant.identifiers {
            guard let index = try transaction.domainRow(kind: Kind.participantIdentifier, key: identifierKey(identifier)),
                  let key = index.participantKey,
                  let row = try transaction.domainRow(kind: Kind.participant, key: key)
            else { continue }
            return try decoder.decode(Participant.self, from: row.json)
        }
        return nil
    }

    static func identifierKey(_ identifier: Participant.Identifier) -> String {
        "\(identifier.system)|\(identifier.value)"
    }
}
