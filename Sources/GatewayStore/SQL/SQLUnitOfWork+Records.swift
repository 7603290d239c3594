import Foundation

/// Domain rows, the import ledger and the audit log: plain tables.
extension SQLUnitOfWork {
    // MARK: Domain rows

    private static var domainColumns: String { "kind, key, participant_key, json, updated_at" }

    private static func domainRow(_ row: Connection.Row) -> DomainRow {
        DomainRow(kind: row.text(0), key: row.text(1), participantKey: row.optionalText(2), json: row.blob(3), updatedAt: row.timestamp(4))
    }

    func domainRow(kind: String, key: String) throws -> DomainRow? {
        try perform(writing: false) {
            try connection.fetchOne(
                "SELECT \(Self.domainColumns) FROM domain_row WHERE kind = ? AND key = ?", [.text(kind), .text(key)],
                purpose: "read domain row", row: Self.domainRow)
        }
    }

    func domainRows(kind: String, afterKey: String?, limit: Int) throws -> [DomainRow] {
        try perform(writing: false) {
            try connection.fetch(
                "SELECT \(Self.domainColumns) FROM domain_row WHERE kind = ? AND (? IS NULL OR key > ?) ORDER BY key LIMIT ?",
                [.text(kind), .text(afterKey), .text(afterKey), .int(max(0, limit))],
                purpose: "list domain rows by kind", row: Self.domainRow)
        }
    }

    func domainRows(participantKey: String, kind: String?) throws -> [DomainRow] {
        try perform(writing: false) {
            try connection.fetch(
                "SELECT \(Self.domainColumns) FROM domain_row WHERE participant_key = ? AND (? IS NULL OR kind = ?) "
                    + "ORDER BY kind, key",
                [.text(participantKey), .text(kind), .text(kind)],
                purpose: "list domain rows by participant", row: Self.domainRow)
        }
    }

    func upsertDomainRow(kind: String, key: String, participantKey: String?, json: Data) throws -> DomainRow {
        try perform(writing: true) {
            try require(!kind.isEmpty && !key.isEmpty, "a domain row needs a kind and a key")
            try connection.write(
                "INSERT INTO domain_row (kind, key, participant_key, json, updated_at) VALUES (?, ?, ?, ?, ?) "
                    + "ON CONFLICT (kind, key) DO UPDATE SET participant_key = excluded.participant_key, "
                    + "json = excluded.json, updated_at = excluded.updated_at",
                [.text(kind), .text(key), .text(participantKey), .blob(json), .timestamp(now)],
                purpose: "upsert domain row")
            return DomainRow(kind: kind, key: key, participantKey: participantKey, json: json, updatedAt: now)
        }
    }

    func deleteDomainRow(kind: String, key: String) throws -> Bool {
        try perform(writing: true) {
            try connection.write(
                "DELETE FROM domain_row WHERE kind = ? AND key = ?", [.text(kind), .text(key)], purpose: "delete domain row") > 0
        }
    }

    // MARK: Import ledger

    private static var ledgerColumns: String { "content_hash, path, status, read_count, written_count, refused_count, report, recorded_at" }

    private static func ledgerEntry(_ row: Connection.Row) throws -> ImportLedgerEntry {
        guard let status = ImportLedgerEntry.Status(rawValue: row.text(2)) else {
            throw StoreError.corrupt(operation: "read import ledger status")
        }
        return ImportLedgerEntry(
            contentHash: row.text(0), path: row.text(1), status: status,
            counts: .init(read: row.int(3), written: row.int(4), refused: row.int(5)), report: row.blob(6),
            recordedAt: row.timestamp(7))
    }

    func ledgerEntry(hash: String) throws -> ImportLedgerEntry? {
        try perform(writing: false) {
            try connection.fetchOne(
                "SELECT \(Self.ledgerColumns) FROM import_ledger WHERE content_hash = ?", [.text(hash)],
                purpose: "read import ledger", row: Self.ledgerEntry)
        }
    }

    func ledgerEntries(limit: Int) throws -> [ImportLedgerEntry] {
        try perform(writing: false) {
            try connection.fetch(
                "SELECT \(Self.ledgerColumns) FROM import_ledger ORDER BY recorded_at DESC, content_hash LIMIT ?",
                [.int(max(0, limit))], purpose: "list import ledger", row: Self.ledgerEntry)
        }
    }

    func recordImport(
        hash: String, path: String, status: ImportLedgerEntry.Status, counts: ImportLedgerEntry.Counts, report: Data
    ) throws -> ImportLedgerEntry {
        try perform(writing: true) {
            try require(!hash.isEmpty, "a ledger entry needs a content hash")
            try connection.write(
                "INSERT INTO import_ledger (\(Self.ledgerColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                    + "ON CONFLICT (content_hash) DO UPDATE SET path = excluded.path, status = excluded.status, "
                    + "read_count = excluded.read_count, written_count = excluded.written_count, "
                    + "refused_count = excluded.refused_count, report = excluded.report, recorded_at = excluded.recorded_at",
                [.text(hash), .text(path), .text(status.rawValue), .int(counts.read), .int(counts.written),
                 .int(counts.refused), .blob(report), .timestamp(now)],
                purpose: "record import")
            return ImportLedgerEntry(contentHash: hash, path: path, status: status, counts: counts, report: report, recordedAt: now)
        }
    }

    // MARK: Audit

    func appendAudit(_ event: AuditEvent) throws -> AuditEvent {
        try perform(writing: true) {
            let sequence = try connection.insertReturningSeq(
                "INSERT INTO audit_event (time, actor, action, resource_type, resource_id, outcome, detail) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [.timestamp(event.time), .text(event.actor), .text(event.action), .text(event.resourceType),
                 .text(event.resourceId), .text(event.outcome), .text(event.detail)],
                purpose: "append audit event", missing: "appended audit event")
            var appended = event
            appended.sequence = sequence
            return appended
        }
    }

    func auditEvents(in range: TimeRange, afterSequence: Int64?, limit: Int) throws -> [AuditEvent] {
        try perform(writing: false) {
            try connection.fetch(
                "SELECT seq, time, actor, action, resource_type, resource_id, outcome, detail FROM audit_event "
                    + "WHERE (? IS NULL OR time >= ?) AND (? IS NULL OR time < ?) AND (? IS NULL OR seq > ?) "
                    + "ORDER BY seq LIMIT ?",
                [.timestamp(range.from), .timestamp(range.from), .timestamp(range.to), .timestamp(range.to),
                 .integer(afterSequence), .integer(afterSequence), .int(max(0, limit))],
                purpose: "query audit events"
            ) { row in
                AuditEvent(
                    sequence: row.int64(0), time: row.timestamp(1), actor: row.text(2), action: row.text(3),
                    resourceType: row.optionalText(4), resourceId: row.optionalText(5), outcome: row.text(6),
                    detail: row.optionalText(7))
            }
        }
    }
}
