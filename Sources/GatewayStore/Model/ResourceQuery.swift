/// A search over the current versions of one resource type. Criteria are ANDed; the
/// alternatives inside one criterion are ORed (FHIR's `,`). Deleted resources never match.
///
/// The store knows nothing of FHIR: a criterion names a parameter and the index table its rows
/// are in (see `SearchIndex` for what the rows hold); `FHIRSearch` turns a search URL into it.
public struct ResourceQuery: Hashable, Sendable {
    public var type: String
    public var criteria: [SearchCriterion]
    /// The sort keys, most significant first. Empty: newest first (`-_lastUpdated`), ties by
    /// write order. Any other order ends with the id as the last key, so pages are deterministic.
    public var sort: [SortKey]
    /// Page size (`_count`); at least 1.
    public var count: Int
    /// Rows to skip; prefer `cursor`, which stays stable while writes arrive.
    public var offset: Int
    /// Continue after the last row of a previous page (from `SearchPage.next`).
    public var cursor: SearchCursor?
    /// Also count every match (`_total=accurate`); costs a second query.
    public var includeTotal: Bool

    public init(
        type: String, criteria: [SearchCriterion] = [], sort: [SortKey] = [],
        count: Int = 50, offset: Int = 0, cursor: SearchCursor? = nil, includeTotal: Bool = false
    ) {
        self.type = type
        self.criteria = criteria
        self.sort = sort
        self.count = count
        self.offset = offset
        self.cursor = cursor
        self.includeTotal = includeTotal
    }

    /// The common shapes (ids, tokens, references, dates, `_lastUpdated`) as criteria.
    public init(
        type: String, ids: [String]? = nil, tokens: [TokenCriterion] = [], references: [ReferenceCriterion] = [],
        dates: [DateCriterion] = [], lastUpdated: TimeRange? = nil, order: ResourceOrder = .lastUpdatedDescending,
        count: Int = 50, offset: Int = 0, cursor: SearchCursor? = nil, includeTotal: Bool = false
    ) {
        var criteria: [SearchCriterion] = []
        if let ids { criteria.append(.id(ids)) }
        criteria += tokens.map { .token($0.parameter, $0.anyOf) }
        criteria += references.map { .reference($0.parameter, $0.anyOf.map(ReferenceMatch.target)) }
        criteria += dates.map { .date($0.parameter, [.overlapping($0.overlapping)]) }
        if let lastUpdated { criteria.append(.lastUpdated([.overlapping(lastUpdated)])) }
        self.init(
            type: type, criteria: criteria, sort: order == .idAscending ? [.id(descending: false)] : [],
            count: count, offset: offset, cursor: cursor, includeTotal: includeTotal)
    }
}

public enum ResourceOrder: String, Hashable, Sendable {
    /// Newest first (`_sort=-_lastUpdated`); ties broken by write order, newest first.
    case lastUpdatedDescending
    /// By id, ascending (`_sort=_id`), stable and cheap for exports.
    case idAscending
}

/// The index tables, one per search parameter type (composites keep their components in the
/// tables of the components' types).
public enum IndexTable: String, Hashable, Sendable, CaseIterable {
    case token, reference, date, string, number, quantity, uri
}

/// One condition of a search (FHIR R4 search.html §3.1.1). Parameter names are as indexed,
/// including derived ones (`code:text`, `subject:identifier`, `code-value-quantity$0`).
public indirect enum SearchCriterion: Hashable, Sendable {
    case token(String, [TokenMatch])
    /// `:not`: no value of the parameter matches (also resources without one).
    case notToken(String, [TokenMatch])
    case string(String, [StringMatch])
    case uri(String, [URIMatch])
    case number(String, [IntervalMatch<Double>])
    case date(String, [IntervalMatch<StoreTimestamp>])
    case quantity(String, [QuantityMatch])
    case reference(String, [ReferenceMatch])
    /// `:missing=true` (no row for the parameter) or `false` (at least one).
    case missing(String, IndexTable, Bool)
    /// Composite: any alternative matches, an alternative being component criteria that must
    /// hold for rows of one composite value (the same `group`). Each component criterion is one
    /// of the value kinds above with a single alternative set.
    case composite([[SearchCriterion]])
    /// `_has:Type:parameter:…`: resources that a `type` resource matching `criterion` refers to
    /// through its reference parameter `parameter`.
    case referencedBy(type: String, parameter: String, criterion: SearchCriterion)
    /// `_id`: any of these ids.
    case id([String])
    /// `_lastUpdated`.
    case lastUpdated([IntervalMatch<StoreTimestamp>])
    /// Any of these criteria (a chain over a reference with several target types).
    case anyOf([SearchCriterion])
    /// Every one of these criteria (a client's data boundary inside an `anyOf`: one scope's
    /// restriction is several parameters).
    case allOf([SearchCriterion])

    /// The parameter name and table a value criterion reads, nil for the others.
    public var indexed: (parameter: String, table: IndexTable)? {
        switch self {
        case .token(let name, _), .notToken(let name, _): (name, .token)
        case .string(let name, _): (name, .string)
        case .uri(let name, _): (name, .uri)
        case .number(let name, _): (name, .number)
        case .date(let name, _): (name, .date)
        case .quantity(let name, _): (name, .quantity)
        case .reference(let name, _): (name, .reference)
        case .missing(let name, let table, _): (name, table)
        case .composite, .referencedBy, .id, .lastUpdated, .anyOf, .allOf: nil
        }
    }
}

/// `parameter=[system|]code,...`: matches when any value matches.
public struct TokenCriterion: Hashable, Sendable {
    public var parameter: String
    public var anyOf: [TokenMatch]

    public init(parameter: String, anyOf: [TokenMatch]) {
        self.parameter = parameter
        self.anyOf = anyOf
    }

    public init(parameter: String, system: TokenMatch.System = .any, code: String?) {
        self.init(parameter: parameter, anyOf: [TokenMatch(system: system, code: code)])
    }
}

/// One token value of a search (FHIR R4 search.html §3.1.1.4.9).
public struct TokenMatch: Hashable, Sendable {
    public enum System: Hashable, Sendable {
        /// `code`: any system.
        case any
        /// `|code`: values without a system.
        case none
        /// `system|code`, or `system|` when `code` is nil.
        case exactly(String)
    }

    public var system: System
    /// `nil` matches every code of the system (`system|`); only with `.exactly`.
    public var code: String?

    public init(system: System, code: String?) {
        self.system = system
        self.code = code
    }
}

/// A string search value; the query side normalises it with the indexer's function.
public enum StringMatch: Hashable, Sendable {
    /// The default: the normalised value starts with this.
    case startsWith(String)
    /// `:contains`: the normalised value contains this.
    case contains(String)
    /// `:exact`: the value as written equals this.
    case exact(String)
}

/// A uri search value.
public enum URIMatch: Hashable, Sendable {
    case equals(String)
    /// `:below`: the value starts with this.
    case below(String)
    /// `:above`: this starts with the value.
    case above(String)
}

/// FHIR's comparison prefixes (search.html §3.1.1.4.2).
public enum SearchPrefix: String, Hashable, Sendable, CaseIterable {
    case eq, ne, gt, lt, ge, le, sa, eb, ap
}

/// A prefixed value as the closed interval its precision implies, compared with each indexed
/// interval `[low, high]` by the prefix (search.html §3.1.1.4.2, FHIR-RULES.md "Ranges, not
/// points"): `eq` the search interval contains the target's; `ne` it does not; `gt` the target
/// reaches above it; `lt` below; `ge`/`le` that or `eq`; `sa` the target starts after it; `eb`
/// ends before it; `ap` the target overlaps it (the query side widens an approximate value's
/// interval first, by FHIR's 10%).
public struct IntervalMatch<Bound: Hashable & Sendable & Comparable>: Hashable, Sendable {
    public var prefix: SearchPrefix
    public var low: Bound
    public var high: Bound

    public init(prefix: SearchPrefix, low: Bound, high: Bound) {
        self.prefix = prefix
        self.low = low
        self.high = high
    }
}

extension IntervalMatch<StoreTimestamp> {
    /// Any overlap with a half-open range (`_lastUpdated` and date criteria built in code).
    public static func overlapping(_ range: TimeRange) -> IntervalMatch<StoreTimestamp> {
        let low = range.from ?? .distantPast
        let high = range.to.map { StoreTimestamp(microsecondsSinceEpoch: $0.microsecondsSinceEpoch - 1) } ?? .distantFuture
        return IntervalMatch(prefix: .ap, low: low, high: high)
    }
}

/// `[prefix]number|system|code`: the value interval, and the unit when given.
public struct QuantityMatch: Hashable, Sendable {
    public var value: IntervalMatch<Double>
    /// nil: any system.
    public var system: String?
    /// nil: any unit.
    public var code: String?

    public init(value: IntervalMatch<Double>, system: String?, code: String?) {
        self.value = value
        self.system = system
        self.code = code
    }
}

/// One alternative of a reference search.
public enum ReferenceMatch: Hashable, Sendable {
    /// `Type/id`, or a URL (canonical or on another server) as indexed.
    case target(String)
    /// A chain (`subject:Patient.name=…`): a `type` resource that matches `criterion`.
    case chained(type: String, criterion: SearchCriterion)
}

/// `parameter=Type/id,...`: matches when the resource references any of the targets.
public struct ReferenceCriterion: Hashable, Sendable {
    public var parameter: String
    public var anyOf: [String]

    public init(parameter: String, anyOf: [String]) {
        self.parameter = parameter
        self.anyOf = anyOf
    }

    public init(parameter: String, target: String) {
        self.init(parameter: parameter, anyOf: [target])
    }
}

/// A date parameter whose indexed interval overlaps `range`.
public struct DateCriterion: Hashable, Sendable {
    public var parameter: String
    public var overlapping: TimeRange

    public init(parameter: String, overlapping: TimeRange) {
        self.parameter = parameter
        self.overlapping = overlapping
    }
}

/// One key of `_sort`.
public enum SortKey: Hashable, Sendable {
    case lastUpdated(descending: Bool)
    case id(descending: Bool)
    /// A parameter's rows: ascending by the lowest value, descending by the highest
    /// (search.html §3.1.1.5.4); resources without one sort last.
    case parameter(String, IndexTable, descending: Bool)
}

/// Where the next page starts: opaque text safe to put in a paging link (the last row's sort
/// values, which the next request compares against; nothing else).
public struct SearchCursor: Hashable, Sendable, CustomStringConvertible {
    public var token: String

    public init(token: String) { self.token = token }

    public var description: String { token }
}

/// One page of results.
public struct SearchPage: Hashable, Sendable {
    public var resources: [StoredResource]
    /// Set when more rows follow.
    public var next: SearchCursor?
    /// Every match, when `includeTotal` asked for it.
    public var total: Int?

    public init(resources: [StoredResource], next: SearchCursor?, total: Int?) {
        self.resources = resources
        self.next = next
        self.total = total
    }
}
