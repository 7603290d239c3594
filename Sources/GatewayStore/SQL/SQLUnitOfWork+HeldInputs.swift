import Foundation

/// Inputs held for identity review (`HeldInput`): the same SQL for both engines.
extension SQLUnitOfWork {
    private static var heldColumns: String {
        "id, status, origin, content_hash, input, id_seed, stored_participant, incoming_participant, fields, outcome, "
            + "held_at, resolved_at, resolved_by"
    }

    private static func heldInput(_ row: Connection.Row) throws -> HeldInput {
        guard let status = HeldInput.Status(rawValue: row.text(1)) else { throw StoreError.corrupt(operation: "read held input status") }
        return HeldInput(
            id: row.text(0), status: status, origin: row.text(2), contentHash: row.optionalText(3), input: row.blob(4),
            idSeed: row.text(5), storedParticipant: row.text(6), incomingParticipant: row.text(7),
            fields: row.text(8).split(separator: ",").map(String.init), outcome: row.blob(9), heldAt: row.timestamp(10),
            resolvedAt: row.optionalTimestamp(11), resolvedBy: row.optionalText(12))
    }

    func holdInput(_ held: HeldInput) throws -> Bool {
        try perform(writing: true) {
            try require(!held.id.isEmpty, "a held input needs an id")
            return try connection.write(
                "INSERT INTO identity_review (\(Self.heldColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    + "ON CONFLICT (id) DO NOTHING",
                [.text(held.id), .text(HeldInput.Status.held.rawValue), .text(held.origin), .text(held.contentHash),
                 .blob(held.input), .text(held.idSeed), .text(held.storedParticipant), .text(held.incomingParticipant),
                 .text(held.fields.joined(separator: ",")), .blob(held.outcome), .timestamp(now), .timestamp(nil), .text(nil)],
                purpose: "hold input") > 0
        }
    }

    func resolveHeldInput(id: String, as status: HeldInput.Status, by actor: String) throws -> Bool {
        try perform(writing: true) {
            try require(status != .held, "a decision is merged or kept apart")
            return try connection.write(
                "UPDATE identity_review SET status = ?, resolved_at = ?, resolved_by = ? WHERE id = ? AND status = 'held'",
                [.text(status.rawValue), .timestamp(now), .text(actor), .text(id)], purpose: "resolve held input") > 0
        }
    }

    func heldInput(id: String) throws -> HeldInput? {
        try perform(writing: false) {
            try connection.fetchOne(
                "SELECT \(Self.heldColumns) FROM identity_review WHERE id = ?", [.text(id)], purpose: "read held input",
                row: Self.heldInput)
        }
    }

    func heldInputs(status: HeldInput.Status?, limit: Int) throws -> [HeldInput] {
        try perform(writing: false) {
            try connection.fetch(
                "SELECT \(Self.heldColumns) FROM identity_review WHERE (? IS NULL OR status = ?) ORDER BY held_at, id LIMIT ?",
                [.text(status?.rawValue), .text(status?.rawValue), .int(max(0, limit))], purpose: "list held inputs",
                row: Self.heldInput)
        }
    }
}
