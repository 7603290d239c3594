/// Search over the current versions. The SQL text depends only on the query's shape (how many
/// criteria and values), never on a value, so statements are cached and nothing is interpolated.
extension SQLUnitOfWork {
    func search(_ query: ResourceQuery) throws -> SearchPage {
        try perform(writing: false) { try searchPage(query, includeTotal: query.includeTotal) }
    }

    func searchPage(_ query: ResourceQuery, includeTotal: Bool) throws -> SearchPage {
        try require(query.count >= 1, "a search needs a count of at least 1")
        try require(query.offset >= 0, "a search offset cannot be negative")
        if let ids = query.ids, ids.isEmpty { return SearchPage(resources: [], next: nil, total: includeTotal ? 0 : nil) }

        var conditions = ["h.type = ?", Connection.headNotDeleted]
        var arguments: [StoreValue] = [.text(query.type)]
        if let ids = query.ids {
            conditions.append("h.id IN (\(Self.placeholders(ids.count)))")
            arguments += ids.map(StoreValue.text)
        }
        for criterion in query.tokens {
            try require(!criterion.anyOf.isEmpty, "a token criterion needs at least one value")
            var alternatives: [String] = []
            var values: [StoreValue] = []
            for match in criterion.anyOf {
                switch (match.system, match.code) {
                case (.any, let code?): alternatives.append("t.code = ?"); values.append(.text(code))
                case (.any, nil): alternatives.append(Connection.trueCondition)
                case (.none, let code?): alternatives.append("(t.system = '' AND t.code = ?)"); values.append(.text(code))
                case (.none, nil): alternatives.append("t.system = ''")
                case (.exactly(let system), let code?):
                    alternatives.append("(t.system = ? AND t.code = ?)"); values += [.text(system), .text(code)]
                case (.exactly(let system), nil): alternatives.append("t.system = ?"); values.append(.text(system))
                }
            }
            conditions.append(
                "h.id IN (SELECT t.id FROM search_token t WHERE t.type = ? AND t.param = ? AND (\(alternatives.joined(separator: " OR "))))")
            arguments += [.text(query.type), .text(criterion.parameter)] + values
        }
        for criterion in query.references {
            try require(!criterion.anyOf.isEmpty, "a reference criterion needs at least one target")
            conditions.append(
                "h.id IN (SELECT r.id FROM search_reference r WHERE r.type = ? AND r.param = ? "
                    + "AND r.target IN (\(Self.placeholders(criterion.anyOf.count))))")
            arguments += [.text(query.type), .text(criterion.parameter)] + criterion.anyOf.map(StoreValue.text)
        }
        for criterion in query.dates {
            var clause = "h.id IN (SELECT d.id FROM search_date d WHERE d.type = ? AND d.param = ?"
            arguments += [.text(query.type), .text(criterion.parameter)]
            if let to = criterion.overlapping.to { clause += " AND d.low < ?"; arguments.append(.timestamp(to)) }
            if let from = criterion.overlapping.from { clause += " AND d.high >= ?"; arguments.append(.timestamp(from)) }
            conditions.append(clause + ")")
        }
        if let range = query.lastUpdated {
            if let from = range.from { conditions.append("h.last_updated >= ?"); arguments.append(.timestamp(from)) }
            if let to = range.to { conditions.append("h.last_updated < ?"); arguments.append(.timestamp(to)) }
        }

        var total: Int?
        if includeTotal {
            total = try connection.fetchOne(
                "SELECT COUNT(*) FROM resource_head h WHERE \(conditions.joined(separator: " AND "))", arguments,
                purpose: "count search matches") { $0.int(0) }
        }

        let orderBy: String
        switch query.order {
        case .lastUpdatedDescending:
            orderBy = "h.last_updated DESC, h.seq DESC"
            if let cursor = query.cursor {
                guard case .time(let time, let seq) = try SearchCursorText(cursor) else {
                    throw StoreError.misuse("a cursor of another sort order")
                }
                let instant = StoreTimestamp(microsecondsSinceEpoch: time)
                conditions.append("(h.last_updated < ? OR (h.last_updated = ? AND h.seq < ?))")
                arguments += [.timestamp(instant), .timestamp(instant), .integer(seq)]
            }
        case .idAscending:
            orderBy = "h.id"
            if let cursor = query.cursor {
                guard case .id(let id) = try SearchCursorText(cursor) else { throw StoreError.misuse("a cursor of another sort order") }
                conditions.append("h.id > ?")
                arguments.append(.text(id))
            }
        }
        arguments += [.int(query.count + 1), .int(query.offset)]
        var rows = try connection.fetch(
            "SELECT \(Self.versionColumns), h.seq FROM resource_head h JOIN resource_version v ON v.seq = h.seq "
                + "WHERE \(conditions.joined(separator: " AND ")) ORDER BY \(orderBy) LIMIT ? OFFSET ?",
            arguments, purpose: "search resources") { (resource: Self.storedResource($0), seq: $0.int64(7)) }

        var next: SearchCursor?
        if rows.count > query.count {
            rows.removeLast()
            if let last = rows.last {
                switch query.order {
                case .lastUpdatedDescending:
                    next = SearchCursorText.time(last.resource.lastUpdated.microsecondsSinceEpoch, last.seq).token
                case .idAscending: next = SearchCursorText.id(last.resource.id).token
                }
            }
        }
        return SearchPage(resources: rows.map(\.resource), next: next, total: total)
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}

/// The text of a `SearchCursor`: `t<microseconds>.<seq>` or `i<id>`.
private enum SearchCursorText {
    case time(Int64, Int64)
    case id(String)

    init(_ cursor: SearchCursor) throws {
        let text = cursor.token
        if text.hasPrefix("i"), text.count > 1 {
            self = .id(String(text.dropFirst()))
            return
        }
        let parts = text.dropFirst().split(separator: ".")
        guard text.hasPrefix("t"), parts.count == 2, let time = Int64(parts[0]), let seq = Int64(parts[1]) else {
            throw StoreError.misuse("an invalid search cursor")
        }
        self = .time(time, seq)
    }

    var token: SearchCursor {
        switch self {
        case .time(let time, let seq): SearchCursor(token: "t\(time).\(seq)")
        case .id(let id): SearchCursor(token: "i\(id)")
        }
    }
}
