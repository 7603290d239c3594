import Foundation

/// Search over the current versions (criteria: `SearchSQL`), ordered by the query's sort keys
/// with keyset paging: the cursor holds the last row's key values, so a write between two
/// pages neither repeats nor skips a match that was there throughout.
extension SQLUnitOfWork {
    func search(_ query: ResourceQuery) throws -> SearchPage {
        try perform(writing: false) { try searchPage(query, includeTotal: query.includeTotal) }
    }

    func searchPage(_ query: ResourceQuery, includeTotal: Bool) throws -> SearchPage {
        try require(query.count >= 1, "a search needs a count of at least 1")
        try require(query.offset >= 0, "a search offset cannot be negative")
        var builder = SearchSQL()
        var conditions = [SQLFragment("h.type = ? AND h.deleted = ?", [.text(query.type), .bool(false)])]
        for criterion in query.criteria {
            conditions.append(try builder.condition(criterion, type: query.type, head: "h"))
        }
        var total: Int?
        if includeTotal {
            let filter = SQLFragment.joined(conditions, by: " AND ")
            total = try connection.fetchOne(
                "SELECT COUNT(*) FROM resource_head h WHERE \(filter.sql)", filter.arguments,
                purpose: "count search matches") { $0.int(0) }
        }

        let keys = SearchOrder(query.sort)
        if let cursor = query.cursor { conditions.append(try keys.after(cursor)) }
        let filter = SQLFragment.joined(conditions, by: " AND ")
        let selected = keys.selectList
        let rows = try connection.fetch(
            "SELECT \(Self.versionColumns), \(selected.sql) FROM resource_head h JOIN resource_version v ON v.seq = h.seq "
                + "WHERE \(filter.sql) ORDER BY \(keys.orderBy) LIMIT ? OFFSET ?",
            selected.arguments + filter.arguments + [.int(query.count + 1), .int(query.offset)],
            purpose: "search resources") { row in
            (resource: Self.storedResource(row), keys: keys.values(row, from: 7))
        }
        var page = rows
        var next: SearchCursor?
        if page.count > query.count {
            page.removeLast()
            if let last = page.last { next = keys.cursor(last.keys) }
        }
        return SearchPage(resources: page.map(\.resource), next: next, total: total)
    }

    func readCurrent(type: String, ids: [String]) throws -> [StoredResource] {
        try perform(writing: false) {
            var found: [StoredResource] = []
            for start in stride(from: 0, to: ids.count, by: 50) {
                let padded = Self.paddedChunk(ids, from: start)
                found += try connection.fetch(
                    "SELECT \(Self.versionColumns) FROM resource_head h JOIN resource_version v ON v.seq = h.seq "
                        + "WHERE h.type = ? AND h.deleted = ? AND h.id IN (\(SearchSQL.placeholders(50)))",
                    [.text(type), .bool(false)] + padded.map(StoreValue.text), purpose: "read resources",
                    row: Self.storedResource)
            }
            return found
        }
    }

    func indexedReferences(type: String, ids: [String], parameter: String?) throws -> [IndexedReference] {
        try perform(writing: false) {
            var found: [IndexedReference] = []
            for start in stride(from: 0, to: ids.count, by: 50) {
                let padded = Self.paddedChunk(ids, from: start)
                var sql = "SELECT DISTINCT h.id, r.param, r.target FROM resource_head h "
                    + "JOIN search_reference r ON r.seq = h.seq WHERE h.type = ? AND h.id IN (\(SearchSQL.placeholders(50)))"
                var arguments: [StoreValue] = [.text(type)] + padded.map(StoreValue.text)
                if let parameter {
                    sql += " AND r.param = ?"
                    arguments.append(.text(parameter))
                }
                found += try connection.fetch(sql, arguments, purpose: "read references") {
                    IndexedReference(id: $0.text(0), parameter: $0.text(1), target: $0.text(2))
                }
            }
            return found
        }
    }

    func referencingResources(type: String, parameter: String?, targets: [String], limit: Int) throws -> [StoredResource] {
        try perform(writing: false) {
            guard !targets.isEmpty, limit > 0 else { return [] }
            var found: [String: StoredResource] = [:]
            for start in stride(from: 0, to: targets.count, by: 50) where found.count < limit {
                let padded = Self.paddedChunk(targets, from: start)
                var sql = "SELECT \(Self.versionColumns) FROM resource_head h JOIN resource_version v ON v.seq = h.seq "
                    + "WHERE h.type = ? AND h.deleted = ? AND h.id IN (SELECT r.id FROM search_reference r WHERE r.type = ? "
                    + "AND r.target IN (\(SearchSQL.placeholders(50)))"
                var arguments: [StoreValue] = [.text(type), .bool(false), .text(type)] + padded.map(StoreValue.text)
                if let parameter {
                    sql += " AND r.param = ?"
                    arguments.append(.text(parameter))
                }
                sql += ") ORDER BY h.id LIMIT ?"
                arguments.append(.int(limit))
                for resource in try connection.fetch(sql, arguments, purpose: "read referencing resources", row: Self.storedResource) {
                    found[resource.id] = resource
                }
            }
            return found.values.sorted { $0.id < $1.id }.prefix(limit).map { $0 }
        }
    }

    func historyPage(
        type: String?, since: StoreTimestamp?, before: StoreTimestamp?, cursor: SearchCursor?, limit: Int
    ) throws -> HistoryPage {
        try perform(writing: false) {
            try require(limit >= 1, "a history page needs a limit of at least 1")
            var conditions: [String] = []
            var arguments: [StoreValue] = []
            if let type { conditions.append("v.type = ?"); arguments.append(.text(type)) }
            if let since { conditions.append("v.last_updated >= ?"); arguments.append(.timestamp(since)) }
            if let before { conditions.append("v.last_updated < ?"); arguments.append(.timestamp(before)) }
            if let cursor {
                guard cursor.token.hasPrefix("h"), let seq = Int64(cursor.token.dropFirst()) else {
                    throw StoreError.misuse("an invalid history cursor")
                }
                conditions.append("v.seq < ?")
                arguments.append(.integer(seq))
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            var rows = try connection.fetch(
                "SELECT \(Self.versionColumns), v.seq FROM resource_version v \(filter) ORDER BY v.seq DESC LIMIT ?",
                arguments + [.int(limit + 1)], purpose: "read history") { (resource: Self.storedResource($0), seq: $0.int64(7)) }
            var next: SearchCursor?
            if rows.count > limit {
                rows.removeLast()
                if let last = rows.last { next = SearchCursor(token: "h\(last.seq)") }
            }
            return HistoryPage(versions: rows.map(\.resource), next: next)
        }
    }

    /// The 50 values from `start` (the last chunk padded with its first value, which changes no
    /// `IN` list): every statement over a list has one shape, so it is prepared once and cached.
    static func paddedChunk(_ values: [String], from start: Int) -> [String] {
        let chunk = Array(values[start..<min(start + 50, values.count)])
        return chunk + Array(repeating: chunk[0], count: 50 - chunk.count)
    }
}
