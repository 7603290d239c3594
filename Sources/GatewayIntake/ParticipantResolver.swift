import Foundation
import GatewayStore
import IOPDomain
import IOPMapping

/// Decides, for each participant of an input, which stored participant it is, if any, by the
/// deployment's `IdentityPolicy` and the decisions people made on held pairs; the merging
/// itself is the domain's (`Participant.absorbing`). Throws `IdentityHold` when a person must
/// decide.
///
/// Candidates are the participant stored under the incoming id (or the id an earlier version
/// gave the same record), and the participant each of its identifiers is indexed to. A
/// candidate stored under the incoming id that is another person (kept apart, or a crafted id
/// collision) moves the incoming record to an id of its own.
struct ParticipantResolver {
    let policy: IdentityPolicy
    let transaction: any StoreTransaction
    let legacyIDs: [String: String]
    private let decoder = DomainRowCoding.decoder()

    init(policy: IdentityPolicy, transaction: any StoreTransaction, legacyIDs: [String: String]) {
        self.policy = policy
        self.transaction = transaction
        self.legacyIDs = legacyIDs
    }

    /// The participant to write for `incoming`: a stored one with what it adds, or the incoming
    /// record, possibly under another id.
    func resolve(_ incoming: Participant) throws -> Participant {
        let fingerprint = IdentityHold.fingerprint(of: incoming)
        var id = incoming.id
        var seen: Set<String> = []
        var pending = try candidates(for: incoming, id: id)
        while let candidate = pending.first {
            pending.removeFirst()
            guard seen.insert(candidate.id.rawValue).inserted else { continue }
            let verdict = try decision(stored: candidate.id, incoming: incoming.id, fingerprint: fingerprint)
            let assessment: IdentityAssessment = switch verdict {
            case .samePerson?: .samePerson
            case .keptApart?: .differentPeople
            case nil: policy.assess(stored: candidate, incoming: incoming)
            }
            switch assessment {
            case .samePerson:
                return candidate.absorbing(incoming)
            case .differentPeople:
                if candidate.id == id {
                    id = Self.apartID(of: incoming.id, fingerprint: fingerprint)
                    pending += try participant(at: id.rawValue).map { [$0] } ?? []
                }
            case .review(let fields):
                throw IdentityHold(conflict: IdentityConflict(storedID: candidate.id, incomingID: incoming.id, fields: fields),
                                   fingerprint: fingerprint)
            }
        }
        return id == incoming.id ? incoming : incoming.withID(id)
    }

    /// The id of a person kept apart from the one stored under `id`.
    static func apartID(of id: Participant.ID, fingerprint: String) -> Participant.ID {
        Participant.ID(Intake.derivedID(seed: "participant-apart:\(id.rawValue):\(fingerprint)", index: 0))
    }

    private func candidates(for incoming: Participant, id: Participant.ID) throws -> [Participant] {
        var found: [Participant] = []
        if let own = try participant(at: id.rawValue) { found.append(own) }
        if let legacy = legacyIDs[id.rawValue], let old = try participant(at: legacy) { found.append(old) }
        for identifier in incoming.identifiers {
            guard let index = try transaction.domainRow(
                kind: DomainRowKind.participantIdentifier, key: DomainRowWriter.identifierKey(identifier)),
                let key = index.participantKey, let stored = try participant(at: key)
            else { continue }
            found.append(stored)
        }
        return found
    }

    private func participant(at key: String) throws -> Participant? {
        guard let row = try transaction.domainRow(kind: DomainRowKind.participant, key: key) else { return nil }
        return try decoder.decode(Participant.self, from: row.json)
    }

    private func decision(stored: Participant.ID, incoming: Participant.ID, fingerprint: String) throws -> IdentityVerdict? {
        let key = Self.decisionKey(stored: stored, incoming: incoming, fingerprint: fingerprint)
        guard let row = try transaction.domainRow(kind: DomainRowKind.identityDecision, key: key) else { return nil }
        return try decoder.decode(Decision.self, from: row.json).verdict
    }

    static func decisionKey(stored: Participant.ID, incoming: Participant.ID, fingerprint: String) -> String {
        "\(stored.rawValue)|\(incoming.rawValue)|\(fingerprint)"
    }

    /// A decision row's JSON.
    struct Decision: Codable {
        var verdict: IdentityVerdict
    }

    /// Records a person's decision on a held pair, in the unit of work that processes the input.
    static func record(_ verdict: IdentityVerdict, on hold: IdentityHold, in transaction: any StoreTransaction) throws {
        let key = decisionKey(stored: hold.conflict.storedID, incoming: hold.conflict.incomingID, fingerprint: hold.fingerprint)
        try transaction.upsertDomainRow(
            kind: DomainRowKind.identityDecision, key: key, participantKey: hold.conflict.storedID.rawValue,
            json: try DomainRowCoding.encoder().encode(Decision(verdict: verdict)))
    }
}
