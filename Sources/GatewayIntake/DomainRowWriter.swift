import Foundation
import GatewayStore
import IOPDomain
import IOPMapping

/// Writes mapped domain records as the store's domain rows (JSON, keyed by kind and id), in the
/// caller's unit of work. Participants are matched against those already stored by the
/// deployment's `IdentityPolicy` (`ParticipantResolver`), so the same referral imported twice,
/// or arriving by two routes, makes one participant, and two people who share only a driver's
/// licence stay two; a pair the policy will not decide throws `IdentityHold`.
public enum DomainRowWriter {
    /// The row kinds, shared with the readers (`DomainRowKind`).
    public typealias Kind = DomainRowKind

    /// How this input's records land in the store: the participants to write, and every id of
    /// the input stored under another one (incoming id → stored id): participants matched on
    /// identifiers, kept apart, or records an earlier version stored under its id.
    struct Plan {
        var participants: [Participant] = []
        var renamed: [String: String] = [:]
    }

    public static func write(_ records: DomainRecords, policy: IdentityPolicy = .gateway, in transaction: any StoreTransaction) throws {
        try write(records, plan: plan(for: records, policy: policy, in: transaction), in: transaction)
    }

    /// Decides every participant and finds the rows an earlier version wrote; throws `IdentityHold`.
    static func plan(for records: DomainRecords, policy: IdentityPolicy, in transaction: any StoreTransaction) throws -> Plan {
        var plan = Plan()
        try renameLegacy(records.practices, kind: Kind.practice, ids: { $0.id.rawValue }, legacy: records.legacyIDs,
                         same: { stored, incoming in
                             let practice = try DomainRowCoding.decoder().decode(PrimaryCarePractice.self, from: stored.json)
                             return !Set(practice.identifiers).isDisjoint(with: incoming.identifiers)
                         }, into: &plan, in: transaction)
        let resolver = ParticipantResolver(policy: policy, transaction: transaction, legacyIDs: records.legacyIDs)
        for incoming in records.participants {
            let participant = try resolver.resolve(incoming)
            if participant.id != incoming.id { plan.renamed[incoming.id.rawValue] = participant.id.rawValue }
            plan.participants.append(participant)
        }
        // A record an earlier version stored under its old id is the same record when it belongs
        // to the same participant; so a crafted collision with the old hash reaches nobody else's.
        let owned: [(kind: String, rows: [(id: String, participant: String)])] = [
            (Kind.enrolment, records.enrolments.map { ($0.id.rawValue, $0.participantID.rawValue) }),
            (Kind.session, records.sessions.map { ($0.id.rawValue, $0.participantID.rawValue) }),
            (Kind.treatmentPlan, records.treatmentPlans.map { ($0.id.rawValue, $0.participantID.rawValue) }),
            (Kind.medicationOrder, records.medicationOrders.map { ($0.id.rawValue, $0.participantID.rawValue) }),
            (Kind.careMessage, records.careMessages.map { ($0.id.rawValue, $0.participantID.rawValue) }),
            (Kind.consent, records.consents.map { ($0.id.rawValue, $0.participantID.rawValue) }),
        ]
        let participantRenames = plan.renamed
        for (kind, rows) in owned {
            try renameLegacy(rows, kind: kind, ids: \.id, legacy: records.legacyIDs, same: { stored, row in
                stored.participantKey == (participantRenames[row.participant] ?? row.participant)
            }, into: &plan, in: transaction)
        }
        return plan
    }

    /// For each record whose id is new to the store while a row of the same kind exists under the
    /// id an earlier version gave it (and `same` says it is that record): keep the old id.
    private static func renameLegacy<T>(
        _ values: [T], kind: String, ids: (T) -> String, legacy: [String: String],
        same: (DomainRow, T) throws -> Bool, into plan: inout Plan, in transaction: any StoreTransaction
    ) throws {
        for value in values {
            let id = ids(value)
            guard let old = legacy[id], old != id, try transaction.domainRow(kind: kind, key: id) == nil,
                  let stored = try transaction.domainRow(kind: kind, key: old), try same(stored, value)
            else { continue }
            plan.renamed[id] = old
        }
    }

    /// `plan` is `plan(for:policy:in:)` of the same input in the same unit of work.
    static func write(_ records: DomainRecords, plan: Plan, in transaction: any StoreTransaction) throws {
        let encoder = DomainRowCoding.encoder()
        let renamed = plan.renamed
        // Ids are UUID-like tokens that occur only as JSON strings, so a textual replacement of
        // the quoted id moves every reference at once.
        func rekeyed(_ json: Data) -> Data {
            guard !renamed.isEmpty else { return json }
            var text = String(decoding: json, as: UTF8.self)
            for (old, new) in renamed where text.contains("\"\(old)\"") {
                text = text.replacingOccurrences(of: "\"\(old)\"", with: "\"\(new)\"")
            }
            return Data(text.utf8)
        }

        for participant in plan.participants {
            let key = participant.id.rawValue
            try transaction.upsertDomainRow(
                kind: Kind.participant, key: key, participantKey: key, json: rekeyed(try encoder.encode(participant)))
            for identifier in participant.identifiers {
                // The index names the first participant to hold an identifier: a person kept
                // apart who shares it does not take it over.
                let indexKey = identifierKey(identifier)
                if let owner = try transaction.domainRow(kind: Kind.participantIdentifier, key: indexKey)?.participantKey,
                   owner != key, try transaction.domainRow(kind: Kind.participant, key: owner) != nil { continue }
                try transaction.upsertDomainRow(
                    kind: Kind.participantIdentifier, key: indexKey, participantKey: key,
                    json: Data(#"{"participant":"\#(key)"}"#.utf8))
            }
        }

        func put<T: Encodable>(_ values: [T], kind: String, key: (T) -> String, participant: (T) -> String?) throws {
            for value in values {
                let json = rekeyed(try encoder.encode(value))
                let participantKey = participant(value).map { renamed[$0] ?? $0 }
                let rowKey = key(value)
                try transaction.upsertDomainRow(kind: kind, key: renamed[rowKey] ?? rowKey, participantKey: participantKey, json: json)
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

    static func identifierKey(_ identifier: Participant.Identifier) -> String {
        "\(identifier.system)|\(identifier.value)"
    }
}
