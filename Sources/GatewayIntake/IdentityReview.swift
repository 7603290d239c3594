import FHIRCore
import FHIRJSON
import Foundation
import GatewayStore
import IOPDomain
import IOPMapping

/// Inputs held because of an `IdentityHold`, and the decisions that let them proceed: what
/// `fhir-gateway identities` and the importer call. Every step is audited (`identity-hold`,
/// `identity-merge`, `identity-keep-apart`), with ids and field names only.
public enum IdentityReview {
    /// Holds `input` in a unit of work of its own (the one that met the conflict rolled back).
    /// The id is a function of the input and the conflict, so holding it again adds nothing.
    @discardableResult
    public static func hold(
        _ hold: IdentityHold, input: [UInt8], idSeed: String, origin: String, contentHash: String? = nil,
        in transaction: any StoreTransaction
    ) throws -> HeldInput {
        let id = Intake.derivedID(
            seed: "held:\(idSeed):\(hold.conflict.storedID.rawValue):\(hold.conflict.incomingID.rawValue):\(hold.fingerprint)", index: 0)
        let held = HeldInput(
            id: id, origin: origin, contentHash: contentHash, input: Data(input), idSeed: idSeed,
            storedParticipant: hold.conflict.storedID.rawValue, incomingParticipant: hold.conflict.incomingID.rawValue,
            fields: hold.conflict.fields.map(\.rawValue), outcome: Data(FHIRJSONWriter().write([hold.issue].operationOutcome())))
        if try transaction.holdInput(held) {
            try transaction.appendAudit(AuditEvent(
                time: transaction.now, actor: "system:identity", action: "identity-hold", resourceType: "Participant",
                resourceId: hold.conflict.storedID.rawValue, outcome: "held",
                detail: "held=\(id); incoming=\(hold.conflict.incomingID.rawValue); fields=\(held.fields.joined(separator: ","))"))
        }
        return held
    }

    /// What became of a held input once a person decided.
    public enum Resolution: Sendable {
        /// Processed as decided: the resources and domain rows are written.
        case processed
        /// Processed as decided as far as this pair goes, but it meets another participant the
        /// policy will not decide on: held again, under the new id.
        case heldAgain(HeldInput)
        /// Refused when processed (it no longer passes validation or mapping, or the write fails).
        case refused([Issue])
    }

    public enum ReviewError: Error, CustomStringConvertible {
        case notFound(String)
        case alreadyDecided(String, HeldInput.Status)

        public var description: String {
            switch self {
            case .notFound(let id): "no held input \(id)"
            case .alreadyDecided(let id, let status): "held input \(id) is already decided (\(status.rawValue))"
            }
        }
    }

    /// Records `verdict` on the held input `id` by `actor` and processes the input as decided,
    /// all in one unit of work (a second conflict holds it again in another).
    public static func resolve(
        id: String, as verdict: IdentityVerdict, by actor: String, intake: Intake, store: any GatewayStore
    ) throws -> Resolution {
        guard let held = try store.read({ try $0.heldInput(id: id) }) else { throw ReviewError.notFound(id) }
        guard held.status == .held else { throw ReviewError.alreadyDecided(id, held.status) }
        let status: HeldInput.Status = verdict == .samePerson ? .merged : .keptApart
        let action = verdict == .samePerson ? "identity-merge" : "identity-keep-apart"
        let prepared: Intake.Prepared
        switch intake.prepare(Array(held.input), idSeed: held.idSeed) {
        case .success(let value): prepared = value
        case .failure(let list): return .refused(list.issues)
        }
        guard let incoming = prepared.mapping.records.participants.first(where: { $0.id.rawValue == held.incomingParticipant })
        else {
            return .refused([Issue(.error, .notFound, "the held input no longer maps to participant \(held.incomingParticipant)")])
        }
        let decided = IdentityHold(
            conflict: IdentityConflict(storedID: Participant.ID(held.storedParticipant), incomingID: incoming.id,
                                       fields: held.fields.compactMap(DomainField.init(rawValue:))),
            fingerprint: IdentityHold.fingerprint(of: incoming))
        func decide(_ transaction: any StoreTransaction) throws {
            try ParticipantResolver.record(verdict, on: decided, in: transaction)
            try transaction.resolveHeldInput(id: id, as: status, by: actor)
            try transaction.appendAudit(AuditEvent(
                time: transaction.now, actor: actor, action: action, resourceType: "Participant",
                resourceId: held.storedParticipant, outcome: status.rawValue,
                detail: "held=\(id); incoming=\(held.incomingParticipant)"))
        }
        do {
            try store.write { transaction in
                try decide(transaction)
                try Intake.commit(prepared, policy: intake.identityPolicy, in: transaction)
                if let hash = held.contentHash {
                    let count = prepared.resourceCount
                    try transaction.recordImport(
                        hash: hash, path: held.origin, status: .imported, counts: .init(read: count, written: count, refused: 0),
                        report: Data("{}".utf8))
                }
            }
            return .processed
        } catch let again as IdentityHold {
            let next = try store.write { transaction in
                try decide(transaction)
                return try hold(again, input: Array(held.input), idSeed: held.idSeed, origin: held.origin,
                                contentHash: held.contentHash, in: transaction)
            }
            return .heldAgain(next)
        } catch let error as IntakeError {
            return .refused([error.issue])
        }
    }
}
