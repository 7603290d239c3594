/// The search rows of one resource version, computed by the caller (`FHIRSearch.SearchIndexer`:
/// the official R4 SearchParameters' FHIRPath over the resource) and stored with it in the same
/// unit of work. They replace the previous version's rows; `_id` and `_lastUpdated` are the
/// store's own and need no rows.
///
/// Rows carry plain values so the store stays FHIR-free. The conventions the indexer and the
/// query side share (FHIR R4 search.html):
/// - A parameter's rows are in the table of its type (`string` → `strings`, …). A parameter with
///   no rows at all is `:missing=true`.
/// - Modifier rows use a derived parameter name: `code:text` (strings: a CodeableConcept's text
///   and its codings' displays), `identifier:of-type` (tokens: system = the type's system, code =
///   `typeCode|value`), `subject:identifier` (tokens: a Reference's `identifier`).
/// - Composite parameters: component `i` of `code-value-quantity` is stored as
///   `code-value-quantity$i` in its own type's table, and the rows of one composite value share a
///   `group` above 0 (the rows of other parameters have `group` 0), so a query matches the
///   components of one value, not of two different ones.
public struct SearchIndex: Hashable, Sendable {
    public var tokens: [TokenEntry]
    public var references: [ReferenceEntry]
    public var dates: [DateEntry]
    public var strings: [StringEntry]
    public var numbers: [NumberEntry]
    public var quantities: [QuantityEntry]
    public var uris: [URIEntry]

    public init(
        tokens: [TokenEntry] = [], references: [ReferenceEntry] = [], dates: [DateEntry] = [],
        strings: [StringEntry] = [], numbers: [NumberEntry] = [], quantities: [QuantityEntry] = [], uris: [URIEntry] = []
    ) {
        self.tokens = tokens
        self.references = references
        self.dates = dates
        self.strings = strings
        self.numbers = numbers
        self.quantities = quantities
        self.uris = uris
    }

    public static let empty = SearchIndex()

    /// How many rows, for progress and benchmarks.
    public var rowCount: Int {
        tokens.count + references.count + dates.count + strings.count + numbers.count + quantities.count + uris.count
    }

    /// A token value: `identifier` (system|value), `code`, `status`, `gender`, a boolean
    /// (`true`/`false`), `_tag`, `_security`, …
    public struct TokenEntry: Hashable, Sendable {
        public var parameter: String
        /// `nil` when the value has no system (FHIR empty strings are illegal, so the engines
        /// store `nil` as the empty string).
        public var system: String?
        public var code: String
        public var group: Int

        public init(parameter: String, system: String?, code: String, group: Int = 0) {
            self.parameter = parameter
            self.system = system
            self.code = code
            self.group = group
        }
    }

    /// A reference value: `subject`, `patient`, `participant`, … A literal reference to a resource
    /// as `Type/id` (relative, as stored; an absolute URL on another server stays absolute);
    /// a canonical as its URL, with `|version` when it has one (the query side also matches the
    /// URL without it).
    public struct ReferenceEntry: Hashable, Sendable {
        public var parameter: String
        public var target: String
        public var group: Int

        public init(parameter: String, target: String, group: Int = 0) {
            self.parameter = parameter
            self.target = target
            self.group = group
        }
    }

    /// A date value as the closed interval it covers at its precision: `2024-05-01` is
    /// 2024-05-01T00:00:00.000000Z ... 2024-05-01T23:59:59.999999Z; a Period without an end
    /// runs to `StoreTimestamp.distantFuture`, without a start from `distantPast`.
    public struct DateEntry: Hashable, Sendable {
        public var parameter: String
        public var low: StoreTimestamp
        public var high: StoreTimestamp
        public var group: Int

        public init(parameter: String, low: StoreTimestamp, high: StoreTimestamp, group: Int = 0) {
            self.parameter = parameter
            self.low = low
            self.high = high
            self.group = group
        }
    }

    /// A string value (`name`, `family`, `address`, …): `normalized` for the default
    /// starts-with and `:contains` matches (case and accents folded, by the same function the
    /// query side uses), `exact` as written for `:exact`.
    public struct StringEntry: Hashable, Sendable {
        public var parameter: String
        public var normalized: String
        public var exact: String
        public var group: Int

        public init(parameter: String, normalized: String, exact: String, group: Int = 0) {
            self.parameter = parameter
            self.normalized = normalized
            self.exact = exact
            self.group = group
        }
    }

    /// A number as the interval its precision implies (`100` is [99.5, 100.5], `5.40` is
    /// [5.395, 5.405]); a range-valued element (`Range`) as its bounds.
    public struct NumberEntry: Hashable, Sendable {
        public var parameter: String
        public var low: Double
        public var high: Double
        public var group: Int

        public init(parameter: String, low: Double, high: Double, group: Int = 0) {
            self.parameter = parameter
            self.low = low
            self.high = high
            self.group = group
        }
    }

    /// A quantity: its value's interval (as for numbers) with the unit's system and code
    /// (`code` is the unit text when the quantity has no code; both nil for a bare number).
    public struct QuantityEntry: Hashable, Sendable {
        public var parameter: String
        public var system: String?
        public var code: String?
        public var low: Double
        public var high: Double
        public var group: Int

        public init(parameter: String, system: String?, code: String?, low: Double, high: Double, group: Int = 0) {
            self.parameter = parameter
            self.system = system
            self.code = code
            self.low = low
            self.high = high
            self.group = group
        }
    }

    /// A uri value (`url`, `_profile`, `_source`, …) as written, for exact, `:below` and
    /// `:above` matches.
    public struct URIEntry: Hashable, Sendable {
        public var parameter: String
        public var value: String
        public var group: Int

        public init(parameter: String, value: String, group: Int = 0) {
            self.parameter = parameter
            self.value = value
            self.group = group
        }
    }
}
