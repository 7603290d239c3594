/// The search rows of one resource version, computed by the caller (FHIRPath over the search
/// parameters' expressions) and stored with it. They replace the previous version's rows;
/// `_id` and `_lastUpdated` are the store's own and need no rows.
public struct SearchIndex: Hashable, Sendable {
    public var tokens: [TokenEntry]
    public var references: [ReferenceEntry]
    public var dates: [DateEntry]

    public init(tokens: [TokenEntry] = [], references: [ReferenceEntry] = [], dates: [DateEntry] = []) {
        self.tokens = tokens
        self.references = references
        self.dates = dates
    }

    public static let empty = SearchIndex()

    /// A token value: `identifier` (system|value), `code`, `status`, ...
    public struct TokenEntry: Hashable, Sendable {
        public var parameter: String
        /// `nil` when the value has no system (FHIR empty strings are illegal, so the engines
        /// may store `nil` as the empty string).
        public var system: String?
        public var code: String

        public init(parameter: String, system: String?, code: String) {
            self.parameter = parameter
            self.system = system
            self.code = code
        }
    }

    /// A reference value: `subject`, `patient`, `participant`, ... to a resolved `Type/id`.
    public struct ReferenceEntry: Hashable, Sendable {
        public var parameter: String
        public var target: String

        public init(parameter: String, target: String) {
            self.parameter = parameter
            self.target = target
        }
    }

    /// A date value as the closed interval it covers at its precision: `2024-05-01` is
    /// 2024-05-01T00:00:00.000000Z ... 2024-05-01T23:59:59.999999Z.
    public struct DateEntry: Hashable, Sendable {
        public var parameter: String
        public var low: StoreTimestamp
        public var high: StoreTimestamp

        public init(parameter: String, low: StoreTimestamp, high: StoreTimestamp) {
            self.parameter = parameter
            self.low = low
            self.high = high
        }
    }
}
