import GatewayStore

/// `ifNoneExist` / `If-None-Exist` queries the gateway can match on: `identifier=system|value`,
/// `identifier=value`, `identifier=system|` joined by `&` (search.html §3.1.1.4.1 token search).
/// Anything else is refused rather than ignored: an ignored condition would create duplicates.
public enum ConditionalQuery {
    /// Whether `match` takes the query: only `identifier` parameters, none empty.
    public static func isSupported(_ query: String) -> Bool {
        (try? match(type: "", query: query, entryIndex: nil)) != nil
    }

    static func match(type: String, query: String, entryIndex: Int?) throws -> ConditionalMatch {
        var tokens: [TokenCriterion] = []
        for parameter in query.split(separator: "&") {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.removingPercentEncoding ?? String($0) }
            guard pair.count == 2, pair[0] == "identifier" else {
                throw IntakeError(entryIndex: entryIndex, code: .notSupported,
                                  "conditional create supports only identifier searches")
            }
            let matches = pair[1].split(separator: ",").map { alternative -> TokenMatch in
                let parts = alternative.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                if parts.count == 1 { return TokenMatch(system: .any, code: parts[0]) }
                return TokenMatch(system: parts[0].isEmpty ? .none : .exactly(parts[0]), code: parts[1].isEmpty ? nil : parts[1])
            }
            tokens.append(TokenCriterion(parameter: "identifier", anyOf: matches))
        }
        guard !tokens.isEmpty else {
            throw IntakeError(entryIndex: entryIndex, code: .invalid, "the conditional create has an empty condition")
        }
        return ConditionalMatch(type: type, tokens: tokens)
    }
}

import Foundation
