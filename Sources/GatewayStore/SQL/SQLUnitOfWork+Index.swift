import Foundation

/// The search rows of the current versions, and the re-indexing of a store written by an
/// earlier version (migration 3's `search_reindex` job).
extension SQLUnitOfWork {
    /// Writes the rows of one resource version, `seq` (its head's), after removing those of the
    /// version it replaces (`replacing`, nil for a resource's first version). Rows are keyed by
    /// the version's seq, which only grows: their by-resource index takes each write's rows at
    /// its end, where a `(type, id)` key spread them over the whole index (random ids), and no
    /// foreign key is checked per row (the Synthea import: 3.3 → 3.8 MB/s, README).
    func replaceIndex(type: String, id: String, seq: Int64, index: SearchIndex, replacing: Int64?) throws {
        if let replacing {
            for table in IndexTable.allCases {
                try connection.write(
                    "DELETE FROM \(table.sqlName) WHERE seq = ?", [.integer(replacing)], purpose: "clear \(table.rawValue) index")
            }
        }
        let owner: [StoreValue] = [.text(type), .text(id), .integer(seq)]
        // A resource's rows are a set (a union's values are distinct; so are the rows).
        try insertRows(.token, ["param", "system", "code", "grp"], owner: owner, Set(index.tokens)) {
            [.text($0.parameter), .text($0.system ?? ""), .text($0.code), .int($0.group)]
        }
        try insertRows(.reference, ["param", "target", "grp"], owner: owner, Set(index.references)) {
            [.text($0.parameter), .text($0.target), .int($0.group)]
        }
        let dates = Set(index.dates)
        try require(dates.allSatisfy { $0.low <= $0.high }, "a date index row needs low <= high")
        try insertRows(.date, ["param", "low", "high", "grp"], owner: owner, dates) {
            [.text($0.parameter), .timestamp($0.low), .timestamp($0.high), .int($0.group)]
        }
        try insertRows(.string, ["param", "norm", "exact", "grp"], owner: owner, Set(index.strings)) {
            [.text($0.parameter), .text($0.normalized), .text($0.exact), .int($0.group)]
        }
        let numbers = Set(index.numbers).filter { $0.low.isFinite && $0.high.isFinite }
        try require(numbers.allSatisfy { $0.low <= $0.high }, "a number index row needs low <= high")
        try insertRows(.number, ["param", "low", "high", "grp"], owner: owner, numbers) {
            [.text($0.parameter), .double($0.low), .double($0.high), .int($0.group)]
        }
        let quantities = Set(index.quantities).filter { $0.low.isFinite && $0.high.isFinite }
        try require(quantities.allSatisfy { $0.low <= $0.high }, "a quantity index row needs low <= high")
        try insertRows(.quantity, ["param", "system", "code", "low", "high", "grp"], owner: owner, quantities) {
            [.text($0.parameter), .text($0.system ?? ""), .text($0.code ?? ""), .double($0.low), .double($0.high), .int($0.group)]
        }
        try insertRows(.uri, ["param", "value", "grp"], owner: owner, Set(index.uris)) {
            [.text($0.parameter), .text($0.value), .int($0.group)]
        }
    }

    /// One single-row INSERT per row. Deliberately not multi-row: inside a transaction SQLite
    /// gives a statement that writes several rows and may abort a statement journal, a copy of
    /// every page it touches (in temporary files by default); measured on the Synthea import,
    /// 32-row statements wrote 1.2 GB of those and ran at 4.5 MB/s against 5.7 for single rows.
    private func insertRows<Entry>(
        _ table: IndexTable, _ columns: [String], owner: [StoreValue], _ entries: some Collection<Entry>,
        values: (Entry) -> [StoreValue]
    ) throws {
        guard !entries.isEmpty else { return }
        let placeholders = Array(repeating: "?", count: columns.count + owner.count).joined(separator: ", ")
        let sql = "INSERT INTO \(table.sqlName) (type, id, seq, \(columns.joined(separator: ", "))) VALUES (\(placeholders))"
        for entry in entries {
            try connection.write(sql, owner + values(entry), purpose: "index \(table.rawValue)")
        }
    }

    // MARK: Re-indexing

    func reindexProgress() throws -> ReindexProgress? {
        try perform(writing: false) { try pendingReindex() }
    }

    func resourcesToReindex(limit: Int) throws -> ReindexBatch? {
        try perform(writing: true) {
            // Locked until commit where writers run concurrently: one process per batch.
            guard let job = try pendingReindex(locking: true) else { return nil }
            let rows = try connection.fetch(
                "SELECT \(Self.versionColumns), h.seq FROM resource_head h JOIN resource_version v ON v.seq = h.seq "
                    + "WHERE h.seq > ? AND h.seq <= ? AND h.deleted = ? ORDER BY h.seq LIMIT ?",
                [.integer(job.afterSeq), .integer(job.untilSeq), .bool(false), .int(max(1, limit))],
                purpose: "read resources to re-index") { (seq: $0.int64(7), resource: Self.storedResource($0)) }
            return ReindexBatch(job: job, resources: rows.map(\.resource), lastSeq: rows.last?.seq)
        }
    }

    func replaceSearchIndex(type: String, id: String, index: SearchIndex) throws {
        try perform(writing: true) {
            guard let head = try currentHead(type: type, id: id), !head.deleted else { return }
            try replaceIndex(type: type, id: id, seq: head.seq, index: index, replacing: head.seq)
        }
    }

    func recordReindexProgress(indexVersion: Int, afterSeq: Int64, done: Int64, finished: Bool) throws {
        try perform(writing: true) {
            try connection.write(
                "UPDATE search_reindex SET after_seq = ?, done = ?, finished_at = ? WHERE index_version = ?",
                [.integer(afterSeq), .integer(done), .timestamp(finished ? now : nil), .int(indexVersion)],
                purpose: "record re-index progress")
        }
    }

    private func pendingReindex(locking: Bool = false) throws -> ReindexProgress? {
        try connection.fetchOne(
            "SELECT index_version, until_seq, after_seq, total, done, started_at FROM search_reindex "
                + "WHERE finished_at IS NULL ORDER BY index_version LIMIT 1" + (locking ? Connection.headLockClause : ""),
            purpose: "read re-index job") { row in
            ReindexProgress(
                indexVersion: row.int(0), untilSeq: row.int64(1), afterSeq: row.int64(2), total: row.int64(3),
                done: row.int64(4), startedAt: row.timestamp(5))
        }
    }
}

extension IndexTable {
    var sqlName: String { "search_\(rawValue)" }
}
