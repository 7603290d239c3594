import Foundation
import GatewayStore
import IOPDomain
import IOPMapping
import PCPUpdates

/// Writes an input's domain records and what they cause for the PCPs, in one unit of work:
/// every accepted write is committed together with the outbound messages it causes
/// (ARCHITECTURE.md, decision 6), whether it came through the API or an imported file.
public enum DomainCommit {
    /// Throws `IdentityHold` when a participant may be someone on record and `policy` will not
    /// decide alone; nothing of the input is then written (the caller's unit of work rolls back).
    public static func write(_ records: DomainRecords, policy: IdentityPolicy = .gateway, in transaction: any StoreTransaction) throws {
        let plan = try DomainRowWriter.plan(for: records, policy: policy, in: transaction)
        let keys = participantKeys(of: records, renamed: plan.renamed)
        // Two processes changing one participant at once would each compare against a state
        // without the other's change, and a trigger that needs both (the second of two misses)
        // would fire in neither.
        try transaction.lockParticipants(keys)
        var before: [String: ParticipantRecords] = [:]
        for key in keys { before[key] = try ParticipantRecordsLoader.load(participantKey: key, from: transaction) }
        try DomainRowWriter.write(records, plan: plan, in: transaction)
        for key in keys {
            guard let after = try ParticipantRecordsLoader.load(participantKey: key, from: transaction) else { continue }
            try ParticipantChangeUpdates.apply(before: before[key], after: after, in: transaction)
        }
    }

    /// Every participant the input touches, under the id it is stored by, in a stable order.
    static func participantKeys(of records: DomainRecords, renamed: [String: String]) -> [String] {
        var ids = records.participants.map(\.id.rawValue)
        ids += records.enrolments.map(\.participantID.rawValue)
        ids += records.sessions.map(\.participantID.rawValue)
        ids += records.treatmentPlans.map(\.participantID.rawValue)
        ids += records.medicationOrders.map(\.participantID.rawValue)
        ids += records.careMessages.map(\.participantID.rawValue)
        ids += records.consents.map(\.participantID.rawValue)
        return Set(ids.map { renamed[$0] ?? $0 }).sorted()
    }
}
