/// The match of a conditional create (`If-None-Exist: identifier=sys|val`): token criteria on
/// one type, ANDed.
///
/// Two identical conditional creates, in one Bundle or in two concurrent requests, must not
/// make two resources (FHIR-RULES.md, transactions rule 8). SQLite gets this from its single
/// writer: the search and the insert run in one `BEGIN IMMEDIATE` transaction. An engine with
/// concurrent writers must lock before it searches: PostgreSQL takes
/// `pg_advisory_xact_lock(hashtextextended(key, 0))` for each of `lockKeys`, in their (sorted)
/// order so two transactions cannot deadlock, and holds them to commit. One key per token value
/// means creates that share any identifier serialise, even when their full criteria differ.
public struct ConditionalMatch: Hashable, Sendable {
    public var type: String
    public var tokens: [TokenCriterion]

    public init(type: String, tokens: [TokenCriterion]) {
        self.type = type
        self.tokens = tokens
    }

    /// `Patient?identifier=sys|val` for one identifier.
    public static func identifier(type: String, system: String?, value: String) -> ConditionalMatch {
        ConditionalMatch(
            type: type,
            tokens: [TokenCriterion(parameter: "identifier", system: system.map { .exactly($0) } ?? .none, code: value)])
    }

    /// The locks that serialise conflicting conditional creates: one per token value, sorted,
    /// without duplicates. Each is `Type?parameter=system|code` with `*` for an open part.
    public var lockKeys: [String] {
        var keys = Set<String>()
        for criterion in tokens {
            for match in criterion.anyOf {
                let system: String
                switch match.system {
                case .any: system = "*"
                case .none: system = ""
                case .exactly(let text): system = text
                }
                keys.insert("\(type)?\(criterion.parameter)=\(system)|\(match.code ?? "*")")
            }
        }
        if keys.isEmpty { keys.insert("\(type)?") }
        return keys.sorted()
    }

    /// The search the create runs (everything that matches, to tell 0, 1 and several apart).
    public var query: ResourceQuery {
        ResourceQuery(type: type, tokens: tokens, order: .idAscending, count: 2)
    }
}
