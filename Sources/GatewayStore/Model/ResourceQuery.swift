/// A search over the current versions of one resource type. Criteria are ANDed; the values of
/// one criterion are ORed (FHIR's `,`). Deleted resources never match.
public struct ResourceQuery: Hashable, Sendable {
    public var type: String
    /// `_id`: any of these ids (`nil`: no restriction).
    public var ids: [String]?
    public var tokens: [TokenCriterion]
    public var references: [ReferenceCriterion]
    public var dates: [DateCriterion]
    /// `_lastUpdated` within this range.
    public var lastUpdated: TimeRange?
    public var order: ResourceOrder
    /// Page size (`_count`); at least 1.
    public var count: Int
    /// Rows to skip; prefer `cursor`, which stays stable while writes arrive.
    public var offset: Int
    /// Continue after the last row of a previous page (from `SearchPage.next`).
    public var cursor: SearchCursor?
    /// Also count every match (`_total=accurate`); costs a second query.
    public var includeTotal: Bool

    public init(
        type: String, ids: [String]? = nil, tokens: [TokenCriterion] = [], references: [ReferenceCriterion] = [],
        dates: [DateCriterion] = [], lastUpdated: TimeRange? = nil, order: ResourceOrder = .lastUpdatedDescending,
        count: Int = 50, offset: Int = 0, cursor: SearchCursor? = nil, includeTotal: Bool = false
    ) {
        self.type = type
        self.ids = ids
        self.tokens = tokens
        self.references = references
        self.dates = dates
        self.lastUpdated = lastUpdated
        self.order = order
        self.count = count
        self.offset = offset
        self.cursor = cursor
        self.includeTotal = includeTotal
    }
}

public enum ResourceOrder: String, Hashable, Sendable {
    /// Newest first (`_sort=-_lastUpdated`); ties broken by write order, newest first.
    case lastUpdatedDescending
    /// By id, ascending (`_sort=_id`), stable and cheap for exports.
    case idAscending
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

/// A date parameter whose indexed interval overlaps `range`. The caller turns FHIR prefixes
/// (`ge`, `lt`, ...) and the value's precision into the range.
public struct DateCriterion: Hashable, Sendable {
    public var parameter: String
    public var overlapping: TimeRange

    public init(parameter: String, overlapping: TimeRange) {
        self.parameter = parameter
        self.overlapping = overlapping
    }
}

/// Where the next page starts: opaque text safe to put in a paging link. It holds the last row's
/// `_lastUpdated` and write sequence, or its id for `idAscending` (ids are not patient data:
/// the gateway assigns them).
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
