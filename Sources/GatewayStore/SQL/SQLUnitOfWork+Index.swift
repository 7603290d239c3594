import Foundation

/// The search rows of the current versions, and the re-indexing of a store written by an
/// earlier version (migration 3's `search_reindex` job).
extension SQLUnitOfWork {
    /// Replaces every row of one resource: a write's own rows, or the re-indexer's.
    func replaceIndex(type: String, id: String, index: SearchIndex) throws {
        let owner: [StoreValue] = [.text(type), .text(id)]
        for table in IndexTable.allCases {
            try connection.write(
                "DELETE FROM \(table.sqlName) WHERE type = ? AND id = ?", owner, purpose: "clear \(table.rawValue) index")
        }
        for token in Set(index.tokens) {
            try connection.write(
                "INSERT INTO search_token (type, id, param, system, code, grp) VALUES (?, ?, ?, ?, ?, ?)",
                owner + [.text(token.parameter), .text(token.system ?? ""), .text(token.code), .int(token.group)],
                purpose: "index token")
        }
        for reference in Set(index.references) {
            try connection.write(
                "INSERT INTO search_reference (type, id, param, target, grp) VALUES (?, ?, ?, ?, ?)",
                owner + [.text(reference.parameter), .text(reference.target), .int(reference.group)], purpose: "index reference")
        }
        for date in Set(index.dates) {
            try require(date.low <= date.high, "a date index row needs low <= high")
            try connection.write(
                "INSERT INTO search_date (type, id, param, low, high, grp) VALUES (?, ?, ?, ?, ?, ?)",
                owner + [.text(date.parameter), .timestamp(date.low), .timestamp(date.high), .int(date.group)],
                purpose: "index date")
        }
        for string in Set(index.strings) {
            try connection.write(
                "INSERT INTO search_string (type, id, param, norm, exact, grp) VALUES (?, ?, ?, ?, ?, ?)",
                owner + [.text(string.parameter), .text(string.normalized), .text(string.exact), .int(string.group)],
                purpose: "index string")
        }
        for number in Set(index.numbers) where number.low.isFinite && number.high.isFinite {
            try require(number.low <= number.high, "a number index row needs low <= high")
            try connection.write(
                "INSERT INTO search_number (type, id, param, low, high, grp) VALUES (?, ?, ?, ?, ?, ?)",
                owner + [.text(number.parameter), .double(number.low), .double(number.high), .int(number.group)],
                purpose: "index number")
        }
        for quantity in Set(index.quantities) where quantity.low.isFinite && quantity.high.isFinite {
            try require(quantity.low <= quantity.high, "a quantity index row needs low <= high")
            try connection.write(
                "INSERT INTO search_quantity (type, id, param, system, code, low, high, grp) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                owner + [
                    .text(quantity.parameter), .text(quantity.system ?? ""), .text(quantity.code ?? ""),
                    .double(quantity.low), .double(quantity.high), .int(quantity.group),
                ],
                purpose: "index quantity")
        }
        for uri in Set(index.uris) {
            try connection.write(
                "INSERT INTO search_uri (type, id, param, value, grp) VALUES (?, ?, ?, ?, ?)",
                owner + [.text(uri.parameter), .text(uri.value), .int(uri.group)], purpose: "index uri")
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
        try perform(writing: true) { try replaceIndex(type: type, id: id, index: index) }
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
