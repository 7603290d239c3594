import Foundation
import FHIRCore
import GatewayStore

/// The values of each parameter type, with the modifiers R4 defines for it (search.html
/// §3.1.1.4 and FHIR-RULES.md "Search").
extension SearchQueryParser {
    func valueCriterion(
        _ definition: SearchParameterDefinition, modifier: String?, value: String, name: String
    ) throws(SearchQueryError) -> SearchCriterion {
        let base = definition.name
        let values = try Self.alternatives(value, parameter: name)
        func unsupported() -> SearchQueryError {
            SearchQueryError(parameter: name, "the modifier :\(modifier ?? "") is not supported on \(base)", unsupported: true)
        }
        switch definition.type {
        case .string:
            let matches: [StringMatch]
            switch modifier {
            case nil: matches = values.map { .startsWith(SearchText.normalized(SearchValueText.unescaped($0))) }
            case "contains": matches = values.map { .contains(SearchText.normalized(SearchValueText.unescaped($0))) }
            case "exact": matches = values.map { .exact(SearchValueText.unescaped($0)) }
            default: throw unsupported()
            }
            return .string(base, matches)
        case .token:
            switch modifier {
            case nil: return .token(base, try values.map { text throws(SearchQueryError) in try Self.token(text, parameter: name) })
            case "not": return .notToken(base, try values.map { text throws(SearchQueryError) in try Self.token(text, parameter: name) })
            case "text":
                return .string(base + ":text", values.map { .startsWith(SearchText.normalized(SearchValueText.unescaped($0))) })
            case "of-type":
                return .token(base + ":of-type", try values.map { text throws(SearchQueryError) in
                    let parts = SearchValueText.split(text, on: "|").map(SearchValueText.unescaped)
                    guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else {
                        throw SearchQueryError(parameter: name, "must be typeSystem|typeCode|value")
                    }
                    return TokenMatch(system: .exactly(parts[0]), code: parts[1] + "|" + parts[2])
                })
            default: throw unsupported()
            }
        case .uri:
            let matches: [URIMatch]
            switch modifier {
            case nil: matches = values.map { .equals(SearchValueText.unescaped($0)) }
            case "below": matches = values.map { .below(SearchValueText.unescaped($0)) }
            case "above": matches = values.map { .above(SearchValueText.unescaped($0)) }
            default: throw unsupported()
            }
            return .uri(base, matches)
        case .reference:
            return try referenceCriterion(definition, modifier: modifier, values: values, name: name)
        case .date:
            guard modifier == nil else { throw unsupported() }
            return .date(base, try values.map { text throws(SearchQueryError) in try dateMatch(text, parameter: name) })
        case .number:
            guard modifier == nil else { throw unsupported() }
            return .number(base, try values.map { text throws(SearchQueryError) in try numberMatch(text, parameter: name) })
        case .quantity:
            guard modifier == nil else { throw unsupported() }
            return .quantity(base, try values.map { text throws(SearchQueryError) in try quantityMatch(text, parameter: name) })
        case .composite:
            guard modifier == nil else { throw unsupported() }
            return .composite(try values.map { text throws(SearchQueryError) in try compositeMatch(definition, text, parameter: name) })
        case .special:
            throw SearchQueryError(parameter: name, "the search parameter \(base) is not supported by this server", unsupported: true)
        }
    }

    /// `system|code`, `|code`, `code`, `system|`.
    static func token(_ text: String, parameter: String) throws(SearchQueryError) -> TokenMatch {
        let (first, rest) = SearchValueText.splitOnce(text, on: "|")
        guard let rest else { return TokenMatch(system: .any, code: SearchValueText.unescaped(first)) }
        let code = SearchValueText.unescaped(rest)
        if first.isEmpty {
            guard !code.isEmpty else { throw SearchQueryError(parameter: parameter, "has an empty value") }
            return TokenMatch(system: .none, code: code)
        }
        return TokenMatch(system: .exactly(SearchValueText.unescaped(first)), code: code.isEmpty ? nil : code)
    }

    private func referenceCriterion(
        _ definition: SearchParameterDefinition, modifier: String?, values: [String], name: String
    ) throws(SearchQueryError) -> SearchCriterion {
        let base = definition.name
        if modifier == "identifier" {
            return .token(base + ":identifier", try values.map { text throws(SearchQueryError) in try Self.token(text, parameter: name) })
        }
        var typeModifier: String?
        if let modifier {
            guard TypeCatalogue.r4.resourceContextID(forName: modifier) != nil,
                  definition.targets.isEmpty || definition.targets.contains(modifier)
            else {
                throw SearchQueryError(parameter: name, "the modifier :\(modifier) is not supported on \(base)", unsupported: true)
            }
            typeModifier = modifier
        }
        var matches: [ReferenceMatch] = []
        for text in values.map(SearchValueText.unescaped) {
            matches += try referenceTargets(text, definition: definition, typeModifier: typeModifier, parameter: name)
                .map(ReferenceMatch.target)
        }
        return .reference(base, matches)
    }

    /// What a reference value stands for, as indexed: `Type/id` for this server's resources
    /// (relative, absolute on this base, or a bare id with the type from `:Type` or the
    /// parameter's targets), a URL elsewhere as written.
    private func referenceTargets(
        _ text: String, definition: SearchParameterDefinition, typeModifier: String?, parameter: String
    ) throws(SearchQueryError) -> [String] {
        var path = text
        if path.hasPrefix(baseURL + "/") { path = String(path.dropFirst(baseURL.count + 1)) }
        if path.contains("://") || path.hasPrefix("urn:") { return [text] }
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // `Patient/1/_history/2`: the resource, whatever its version.
        if segments.count == 4, segments[2] == "_history" { segments = Array(segments.prefix(2)) }
        switch segments.count {
        case 1:
            guard FHIRID.isValid(segments[0]) else { throw SearchQueryError(parameter: parameter, "is not a reference or an id") }
            let types = typeModifier.map { [$0] } ?? Self.effectiveTargets(definition)
            return types.map { "\($0)/\(segments[0])" }
        case 2:
            guard TypeCatalogue.r4.resourceContextID(forName: segments[0]) != nil, FHIRID.isValid(segments[1]) else {
                throw SearchQueryError(parameter: parameter, "is not a reference such as Patient/123")
            }
            if let typeModifier, typeModifier != segments[0] {
                throw SearchQueryError(parameter: parameter, "names another type than its :\(typeModifier) modifier")
            }
            return [path]
        default:
            throw SearchQueryError(parameter: parameter, "is not a reference such as Patient/123")
        }
    }

    /// The types a reference parameter can match in this resource type: R4 lists the targets of
    /// a multi-base parameter across all its bases (`clinical-patient`: Patient and Group), but
    /// the expression for one type may narrow them with `resolve() is Patient`.
    static func effectiveTargets(_ definition: SearchParameterDefinition) -> [String] {
        let all = definition.targets.isEmpty ? TypeCatalogue.r4.resourceTypeNames : definition.targets
        guard let expression = definition.expression, expression.contains("resolve() is ") else { return all }
        let named = expression.components(separatedBy: "resolve() is ").dropFirst().compactMap { rest in
            rest.prefix { $0.isLetter }.isEmpty ? nil : String(rest.prefix { $0.isLetter })
        }
        // Only when every branch narrows (a branch without `resolve() is` keeps every target).
        let branches = expression.components(separatedBy: "|").count
        guard !named.isEmpty, named.count >= branches else { return all }
        let narrowed = all.filter(named.contains)
        return narrowed.isEmpty ? all : narrowed
    }

    /// `[prefix]value`: the prefix, if the value starts with one, and the rest.
    static func prefixed(_ text: String) -> (SearchPrefix, String) {
        if text.count > 2, let prefix = SearchPrefix(rawValue: String(text.prefix(2))) {
            let rest = text.dropFirst(2)
            if let first = rest.first, first.isNumber || first == "-" || first == "." { return (prefix, String(rest)) }
        }
        return (.eq, text)
    }

    func dateMatch(_ text: String, parameter: String) throws(SearchQueryError) -> IntervalMatch<StoreTimestamp> {
        let (prefix, lexeme) = Self.prefixed(SearchValueText.unescaped(text))
        guard let interval = SearchDateInterval(lexeme: lexeme) else {
            throw SearchQueryError(parameter: parameter, "is not a FHIR date, dateTime or instant")
        }
        var match = IntervalMatch(prefix: prefix, low: interval.low, high: interval.high)
        if prefix == .ap {
            // search.html: ap on dates is 10% of the gap between the value and now.
            let middle = (interval.low.microsecondsSinceEpoch / 2) + (interval.high.microsecondsSinceEpoch / 2)
            let slack = abs(middle - now.microsecondsSinceEpoch) / 10
            match.low = StoreTimestamp(microsecondsSinceEpoch: max(StoreTimestamp.distantPast.microsecondsSinceEpoch, interval.low.microsecondsSinceEpoch - slack))
            match.high = StoreTimestamp(microsecondsSinceEpoch: min(StoreTimestamp.distantFuture.microsecondsSinceEpoch, interval.high.microsecondsSinceEpoch + slack))
        }
        return match
    }

    func numberMatch(_ text: String, parameter: String) throws(SearchQueryError) -> IntervalMatch<Double> {
        let (prefix, lexeme) = Self.prefixed(SearchValueText.unescaped(text))
        guard let interval = SearchNumberInterval(lexeme: lexeme) else {
            throw SearchQueryError(parameter: parameter, "is not a number")
        }
        var match = IntervalMatch(prefix: prefix, low: interval.low, high: interval.high)
        if prefix == .ap {
            let slack = abs((interval.low + interval.high) / 2) / 10
            match.low -= slack
            match.high += slack
        }
        return match
    }

    /// `[prefix]number|system|code`, `number||code` or `number`.
    func quantityMatch(_ text: String, parameter: String) throws(SearchQueryError) -> QuantityMatch {
        let parts = SearchValueText.split(text, on: "|")
        guard parts.count == 1 || parts.count == 3 else {
            throw SearchQueryError(parameter: parameter, "must be [prefix]number|system|code")
        }
        let value = try numberMatch(parts[0], parameter: parameter)
        let system = parts.count == 3 ? SearchValueText.unescaped(parts[1]) : ""
        let code = parts.count == 3 ? SearchValueText.unescaped(parts[2]) : ""
        return QuantityMatch(value: value, system: system.isEmpty ? nil : system, code: code.isEmpty ? nil : code)
    }

    /// `a$b`: each component in its own parameter's syntax, matched within one composite value.
    private func compositeMatch(
        _ definition: SearchParameterDefinition, _ text: String, parameter: String
    ) throws(SearchQueryError) -> [SearchCriterion] {
        let parts = SearchValueText.split(text, on: "$")
        guard parts.count == definition.components.count else {
            throw SearchQueryError(parameter: parameter, "needs \(definition.components.count) components separated by $")
        }
        var criteria: [SearchCriterion] = []
        for (index, part) in parts.enumerated() {
            guard let component = catalogue.definition(url: definition.components[index].definition) else {
                throw SearchQueryError(parameter: parameter, "has a component this server cannot read", unsupported: true)
            }
            let stand = SearchParameterDefinition(
                name: "\(definition.name)$\(index)", url: component.url, type: component.type, expression: component.expression,
                resourceType: definition.resourceType, targets: component.targets)
            criteria.append(try valueCriterion(stand, modifier: nil, value: part, name: parameter))
        }
        return criteria
    }
}
