import FHIRCore
import Foundation
import GatewayStore

/// A search URL turned into a store query (FHIR R4 search.html): `_id`, `identifier` (token),
/// `patient`/`subject` (reference), `_lastUpdated` (date with `eq`/`ge`/`le`/`gt`/`lt`),
/// `_count` (capped), `_sort` (`_id`, `-_lastUpdated`), `_total=accurate`, and the store's paging
/// cursor `_cursor`. Repeated parameters are ANDed, commas inside one are ORed.
///
/// Parameters the type does not offer are ignored and left out of the `self` link
/// (search.html §3.1.1.5.7), or refused with `Prefer: handling=strict`.
struct SearchRequest: Sendable {
    var query: ResourceQuery
    /// The parameters that were applied, for the `self` and `next` links.
    var applied: [(name: String, value: String)]
    /// `_count=0`: only the total is wanted.
    var countOnly = false

    /// Parameters that shape the response rather than select resources.
    static let resultParameters: Set<String> = ["_format", "_pretty", "_summary", "_elements"]

    init(
        type: String, parameters: QueryParameters, offered: Set<String>, strict: Bool,
        defaultCount: Int, maxCount: Int
    ) throws(APIError) {
        query = ResourceQuery(type: type, count: defaultCount)
        applied = []
        for (name, value) in parameters.items {
            switch name {
            case "_id" where offered.contains("_id"):
                let ids = value.split(separator: ",").map { String($0) }
                query.ids = query.ids.map { current in current.filter(ids.contains) } ?? ids
            case "identifier" where offered.contains("identifier"):
                query.tokens.append(TokenCriterion(parameter: "identifier", anyOf: try Self.tokens(value, name: name)))
            case "patient" where offered.contains("patient"), "subject" where offered.contains("subject"):
                query.references.append(ReferenceCriterion(parameter: name, anyOf: try Self.references(value, name: name)))
            case "_lastUpdated" where offered.contains("_lastUpdated"):
                let range = try DateSearchValue.range(value, parameter: name)
                query.lastUpdated = Self.intersect(query.lastUpdated, range)
            case "_count":
                guard let count = Int(value), count >= 0 else { throw APIError(400, .value, "_count must be a whole number") }
                countOnly = count == 0
                query.count = min(max(count, 1), maxCount)
                if countOnly { query.includeTotal = true }
            case "_sort":
                switch value {
                case "_id": query.order = .idAscending
                case "-_lastUpdated": query.order = .lastUpdatedDescending
                default: throw APIError(400, .notSupported, "_sort supports _id and -_lastUpdated")
                }
            case "_total":
                query.includeTotal = value == "accurate"
            case "_cursor":
                query.cursor = SearchCursor(token: value)
                continue  // carried by the links themselves
            case _ where Self.resultParameters.contains(name):
                continue
            default:
                if strict { throw APIError(400, .notSupported, "this server does not offer the search parameter \(name) on this type") }
                continue
            }
            applied.append((name, value))
        }
        if !applied.contains(where: { $0.name == "_count" }) { applied.append(("_count", String(query.count))) }
    }

    /// `system|code`, `|code`, `code`, `system|`; commas separate alternatives.
    static func tokens(_ value: String, name: String) throws(APIError) -> [TokenMatch] {
        var matches: [TokenMatch] = []
        for alternative in value.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = alternative.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            if parts.count == 1 {
                guard !parts[0].isEmpty else { throw APIError(400, .value, "\(name) has an empty value") }
                matches.append(TokenMatch(system: .any, code: parts[0]))
            } else if parts[0].isEmpty {
                guard !parts[1].isEmpty else { throw APIError(400, .value, "\(name) has an empty value") }
                matches.append(TokenMatch(system: .none, code: parts[1]))
            } else {
                matches.append(TokenMatch(system: .exactly(parts[0]), code: parts[1].isEmpty ? nil : parts[1]))
            }
        }
        return matches
    }

    /// `Patient/1`, `1` (a patient), or an absolute URL ending in `Type/id`.
    static func references(_ value: String, name: String) throws(APIError) -> [String] {
        try value.split(separator: ",", omittingEmptySubsequences: false).map { alternative throws(APIError) -> String in
            let segments = alternative.split(separator: "/").map(String.init)
            switch segments.count {
            case 1 where FHIRRoute.isValidID(segments[0]): return "Patient/\(segments[0])"
            case 2... where FHIRRoute.isValidID(segments[segments.count - 1]):
                return "\(segments[segments.count - 2])/\(segments[segments.count - 1])"
            default: throw APIError(400, .value, "\(name) must be a reference such as Patient/123")
            }
        }
    }

    static func intersect(_ range: TimeRange?, _ other: TimeRange) -> TimeRange {
        guard let range else { return other }
        return TimeRange(
            from: [range.from, other.from].compactMap { $0 }.max(),
            to: [range.to, other.to].compactMap { $0 }.min())
    }
}
