/// A piece of SQL with its arguments in placeholder order.
struct SQLFragment {
    var sql: String
    var arguments: [StoreValue]

    init(_ sql: String, _ arguments: [StoreValue] = []) {
        self.sql = sql
        self.arguments = arguments
    }

    static func joined(_ parts: [SQLFragment], by separator: String) -> SQLFragment {
        SQLFragment(parts.map(\.sql).joined(separator: separator), parts.flatMap(\.arguments))
    }
}

/// Turns `SearchCriterion` values into SQL over the index tables, the same text for both
/// engines. The text depends only on the query's shape (criteria, alternatives, modifiers),
/// never on a value, so statements are cached and nothing is interpolated but table and
/// column names chosen here.
struct SearchSQL {
    /// A character above every other in UTF-8 byte order: `prefix ≤ value < prefix + upper` is
    /// "starts with" on the engines' byte-wise (`C`) collation.
    static let upperBound = "\u{10FFFF}"

    private var aliases = 0

    /// A condition on the head row `head` (a `resource_head` alias) of resources of `type`.
    mutating func condition(_ criterion: SearchCriterion, type: String, head: String) throws -> SQLFragment {
        switch criterion {
        case .id(let ids):
            guard !ids.isEmpty else { return SQLFragment("1 = 0") }
            return SQLFragment("\(head).id IN (\(Self.placeholders(ids.count)))", ids.map(StoreValue.text))
        case .lastUpdated(let matches):
            let column = "\(head).last_updated"
            return try Self.alternatives(matches.map { Self.interval($0, low: column, high: column, bound: StoreValue.timestamp) })
        case .missing(let parameter, let table, let missing):
            let alias = nextAlias()
            return SQLFragment(
                "\(head).id \(missing ? "NOT IN" : "IN") (SELECT \(alias).id FROM \(table.sqlName) \(alias) "
                    + "WHERE \(alias).type = ? AND \(alias).param = ?)",
                [.text(type), .text(parameter)])
        case .notToken(let parameter, let matches):
            let inner = try valueSubquery(.token(parameter, matches), type: type)
            return SQLFragment("\(head).id NOT IN (\(inner.sql))", inner.arguments)
        case .composite(let alternatives):
            return try Self.alternatives(alternatives.map { components in
                let inner = try compositeSubquery(components, type: type)
                return SQLFragment("\(head).id IN (\(inner.sql))", inner.arguments)
            })
        case .referencedBy(let sourceType, let parameter, let inner):
            let reference = nextAlias()
            let source = nextAlias()
            let sourceCondition = try condition(inner, type: sourceType, head: source)
            return SQLFragment(
                "(? || \(head).id) IN (SELECT \(reference).target FROM search_reference \(reference) "
                    + "WHERE \(reference).type = ? AND \(reference).param = ? AND \(reference).id IN "
                    + "(SELECT \(source).id FROM resource_head \(source) WHERE \(source).type = ? AND \(source).deleted = ? "
                    + "AND \(sourceCondition.sql)))",
                [.text(type + "/"), .text(sourceType), .text(parameter), .text(sourceType), .bool(false)]
                    + sourceCondition.arguments)
        case .anyOf(let criteria):
            return try Self.alternatives(criteria.map { try condition($0, type: type, head: head) })
        case .allOf(let criteria):
            guard !criteria.isEmpty else { return SQLFragment("1 = 1") }
            let joined = SQLFragment.joined(try criteria.map { try condition($0, type: type, head: head) }, by: " AND ")
            return SQLFragment("(\(joined.sql))", joined.arguments)
        case .token, .string, .uri, .number, .date, .quantity, .reference:
            let inner = try valueSubquery(criterion, type: type)
            return SQLFragment("\(head).id IN (\(inner.sql))", inner.arguments)
        }
    }

    /// `SELECT x.id FROM search_… x WHERE …`: the resources with a row that matches.
    private mutating func valueSubquery(_ criterion: SearchCriterion, type: String) throws -> SQLFragment {
        guard let (parameter, table) = criterion.indexed else { throw StoreError.misuse("not a value criterion") }
        let alias = nextAlias()
        let values = try valueCondition(criterion, alias: alias)
        return SQLFragment(
            "SELECT \(alias).id FROM \(table.sqlName) \(alias) WHERE \(alias).type = ? AND \(alias).param = ? AND \(values.sql)",
            [.text(type), .text(parameter)] + values.arguments)
    }

    /// The rows of one composite value: one alias per component, joined on the resource and the
    /// group, each with its own condition.
    private mutating func compositeSubquery(_ components: [SearchCriterion], type: String) throws -> SQLFragment {
        guard !components.isEmpty else { throw StoreError.misuse("a composite criterion needs components") }
        var from: [String] = []
        var conditions: [SQLFragment] = []
        var first: String?
        for component in components {
            guard let (parameter, table) = component.indexed else { throw StoreError.misuse("a composite component is a value") }
            let alias = nextAlias()
            if let first {
                from.append(
                    "JOIN \(table.sqlName) \(alias) ON \(alias).seq = \(first).seq "
                        + "AND \(alias).grp = \(first).grp")
            } else {
                from.append("\(table.sqlName) \(alias)")
                first = alias
                conditions.append(SQLFragment("\(alias).type = ? AND \(alias).grp > 0", [.text(type)]))
            }
            conditions.append(SQLFragment("\(alias).param = ?", [.text(parameter)]))
            conditions.append(try valueCondition(component, alias: alias))
        }
        let where_ = SQLFragment.joined(conditions, by: " AND ")
        return SQLFragment("SELECT \(first!).id FROM \(from.joined(separator: " ")) WHERE \(where_.sql)", where_.arguments)
    }

    /// The alternatives of a value criterion on the row alias `x`, ORed.
    private mutating func valueCondition(_ criterion: SearchCriterion, alias x: String) throws -> SQLFragment {
        switch criterion {
        case .token(_, let matches), .notToken(_, let matches):
            return try Self.alternatives(matches.map { match in
                switch (match.system, match.code) {
                case (.any, let code?): SQLFragment("\(x).code = ?", [.text(code)])
                case (.any, nil): SQLFragment("1 = 1")
                case (.none, let code?): SQLFragment("(\(x).system = '' AND \(x).code = ?)", [.text(code)])
                case (.none, nil): SQLFragment("\(x).system = ''")
                case (.exactly(let system), let code?): SQLFragment("(\(x).system = ? AND \(x).code = ?)", [.text(system), .text(code)])
                case (.exactly(let system), nil): SQLFragment("\(x).system = ?", [.text(system)])
                }
            })
        case .string(_, let matches):
            return try Self.alternatives(matches.map { match in
                switch match {
                case .startsWith(let text): Self.startsWith("\(x).norm", text)
                case .contains(let text): SQLFragment("\(x).norm LIKE ? ESCAPE '\\'", [.text("%" + Self.likeEscaped(text) + "%")])
                case .exact(let text): SQLFragment("\(x).exact = ?", [.text(text)])
                }
            })
        case .uri(_, let matches):
            return try Self.alternatives(matches.map { match in
                switch match {
                case .equals(let text): SQLFragment("\(x).value = ?", [.text(text)])
                case .below(let text): Self.startsWith("\(x).value", text)
                case .above(let text): SQLFragment("substr(?, 1, length(\(x).value)) = \(x).value", [.text(text)])
                }
            })
        case .number(_, let matches):
            return try Self.alternatives(matches.map { Self.interval($0, low: "\(x).low", high: "\(x).high", bound: StoreValue.double) })
        case .date(_, let matches):
            return try Self.alternatives(
                matches.map { Self.interval($0, low: "\(x).low", high: "\(x).high", bound: StoreValue.timestamp) })
        case .quantity(_, let matches):
            return try Self.alternatives(matches.map { match in
                var parts = [Self.interval(match.value, low: "\(x).low", high: "\(x).high", bound: StoreValue.double)]
                if let system = match.system { parts.append(SQLFragment("\(x).system = ?", [.text(system)])) }
                if let code = match.code { parts.append(SQLFragment("\(x).code = ?", [.text(code)])) }
                return SQLFragment.joined(parts, by: " AND ")
            })
        case .reference(_, let matches):
            return try Self.alternatives(matches.map { match in
                switch match {
                case .target(let target) where target.contains("://") && !target.contains("|"):
                    // A canonical is indexed with its `|version` when it has one; the bare URL matches it too.
                    let versioned = Self.startsWith("\(x).target", target + "|")
                    return SQLFragment("(\(x).target = ? OR \(versioned.sql))", [.text(target)] + versioned.arguments)
                case .target(let target):
                    // `Type/id` (nearly every reference search): one equality, so the
                    // (type, param, target) index is used on its whole key.
                    return SQLFragment("\(x).target = ?", [.text(target)])
                case .chained(let targetType, let inner):
                    let target = nextAlias()
                    let targetCondition = try condition(inner, type: targetType, head: target)
                    return SQLFragment(
                        "\(x).target IN (SELECT ? || \(target).id FROM resource_head \(target) WHERE \(target).type = ? "
                            + "AND \(target).deleted = ? AND \(targetCondition.sql))",
                        [.text(targetType + "/"), .text(targetType), .bool(false)] + targetCondition.arguments)
                }
            })
        case .missing, .composite, .referencedBy, .id, .lastUpdated, .anyOf, .allOf:
            throw StoreError.misuse("not a value criterion")
        }
    }

    /// A prefixed interval against the indexed `[low, high]` (see `IntervalMatch`).
    static func interval<Bound>(
        _ match: IntervalMatch<Bound>, low: String, high: String, bound: (Bound?) -> StoreValue
    ) -> SQLFragment {
        let searchLow = bound(match.low)
        let searchHigh = bound(match.high)
        switch match.prefix {
        case .eq: return SQLFragment("(\(low) >= ? AND \(high) <= ?)", [searchLow, searchHigh])
        case .ne: return SQLFragment("(\(low) < ? OR \(high) > ?)", [searchLow, searchHigh])
        case .gt: return SQLFragment("\(high) > ?", [searchHigh])
        case .lt: return SQLFragment("\(low) < ?", [searchLow])
        case .ge: return SQLFragment("(\(high) > ? OR (\(low) >= ? AND \(high) <= ?))", [searchHigh, searchLow, searchHigh])
        case .le: return SQLFragment("(\(low) < ? OR (\(low) >= ? AND \(high) <= ?))", [searchLow, searchLow, searchHigh])
        case .sa: return SQLFragment("\(low) > ?", [searchHigh])
        case .eb: return SQLFragment("\(high) < ?", [searchLow])
        case .ap: return SQLFragment("(\(low) <= ? AND \(high) >= ?)", [searchHigh, searchLow])
        }
    }

    static func startsWith(_ column: String, _ prefix: String) -> SQLFragment {
        SQLFragment("(\(column) >= ? AND \(column) < ?)", [.text(prefix), .text(prefix + upperBound)])
    }

    static func likeEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    static func alternatives(_ parts: [SQLFragment]) throws -> SQLFragment {
        guard !parts.isEmpty else { throw StoreError.misuse("a criterion needs at least one value") }
        if parts.count == 1 { return parts[0] }
        let joined = SQLFragment.joined(parts, by: " OR ")
        return SQLFragment("(\(joined.sql))", joined.arguments)
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    private mutating func nextAlias() -> String {
        aliases += 1
        return "s\(aliases)"
    }
}
