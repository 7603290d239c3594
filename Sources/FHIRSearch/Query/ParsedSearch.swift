import GatewayStore

/// A search URL understood: the store query, and what shapes the response (FHIR R4
/// search.html §3.1.1.5: includes, `_summary`, `_elements`, `_total`).
public struct ParsedSearch: Sendable {
    public var query: ResourceQuery
    /// The parameters that were applied, in the order given, for the `self` and `next` links
    /// (search.html §3.1.1.5.7: a client checks `self` to see what the server did).
    public var applied: [(name: String, value: String)] = []
    /// Parameters left out under `Prefer: handling=lenient`, with the reason (never the value).
    public var ignored: [(name: String, reason: String)] = []
    public var includes: [IncludeRequest] = []
    public var revincludes: [IncludeRequest] = []
    public var summary: SummaryMode?
    /// `_elements`: the top-level elements to keep (mandatory ones are kept too).
    public var elements: [String]?
    public var total: TotalMode = .none
    /// `_count=0` or `_summary=count`: only the total is wanted.
    public var countOnly = false

    public init(query: ResourceQuery) {
        self.query = query
    }
}

/// `_include=Type:parameter[:targetType]` or `_revinclude=…`, `:iterate` to follow it from
/// included resources too.
public struct IncludeRequest: Hashable, Sendable {
    /// The type whose reference parameter is followed.
    public var sourceType: String
    /// nil: every reference parameter (`Type:*`).
    public var parameter: String?
    public var targetType: String?
    public var iterate: Bool

    public init(sourceType: String, parameter: String?, targetType: String?, iterate: Bool) {
        self.sourceType = sourceType
        self.parameter = parameter
        self.targetType = targetType
        self.iterate = iterate
    }
}

/// `_summary` (search.html §3.1.1.5.9).
public enum SummaryMode: String, Sendable {
    case `true`, text, data, count, `false`
}

/// `_total` (search.html §3.1.1.5.6).
public enum TotalMode: String, Sendable {
    case none, estimate, accurate
}

/// A search parameter that cannot be applied: the response is 400 with an OperationOutcome
/// naming the parameter (never its value, which may be patient data).
public struct SearchQueryError: Error, Sendable, CustomStringConvertible {
    /// The parameter as the client wrote it (`family:exact`, `subject:Patient.name`).
    public var parameter: String
    public var message: String
    /// Whether the parameter is unknown or unsupported (as opposed to a malformed value): only
    /// those may be ignored under `Prefer: handling=lenient`.
    public var isUnsupported: Bool

    public init(parameter: String, _ message: String, unsupported: Bool = false) {
        self.parameter = parameter
        self.message = message
        self.isUnsupported = unsupported
    }

    public var description: String { "\(parameter): \(message)" }
}
