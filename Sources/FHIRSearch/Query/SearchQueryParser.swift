import Foundation
import FHIRCore
import GatewayStore

/// Turns a search URL's parameters into a `ParsedSearch`, from the official R4 parameter
/// definitions (`SearchParameterCatalogue`): every parameter type, modifier and prefix of
/// search.html §3.1.1, one level of chaining and of `_has`, and the result parameters.
///
/// A parameter it cannot apply is never dropped: by default it is an error (HAPI's choice);
/// `lenient` (`Prefer: handling=lenient`) leaves unknown and unsupported ones out and reports
/// them in `ignored`, while a malformed value is an error either way.
public struct SearchQueryParser: Sendable {
    public let catalogue: SearchParameterCatalogue
    /// This server's base (`http://host/fhir`): an absolute reference on it is `Type/id`.
    public let baseURL: String
    public let lenient: Bool
    public let defaultCount: Int
    public let maxCount: Int
    /// For `ap` on dates, whose tolerance is 10% of the distance from now.
    public let now: StoreTimestamp

    public init(
        catalogue: SearchParameterCatalogue = .r4, baseURL: String, lenient: Bool = false, defaultCount: Int = 50,
        maxCount: Int = 1000, now: StoreTimestamp = .now()
    ) {
        self.catalogue = catalogue
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.lenient = lenient
        self.defaultCount = defaultCount
        self.maxCount = maxCount
        self.now = now
    }

    /// Result parameters that only shape the response and are not echoed as search criteria.
    static let formatParameters: Set<String> = ["_format", "_pretty"]

    public func parse(type: String, _ items: [(name: String, value: String)]) throws(SearchQueryError) -> ParsedSearch {
        var parsed = ParsedSearch(query: ResourceQuery(type: type, count: defaultCount))
        var countGiven = false
        for (name, value) in items {
            do {
                if Self.formatParameters.contains(name) { continue }
                if name == "_cursor" {
                    parsed.query.cursor = SearchCursor(token: value)
                    continue  // carried by the links themselves
                }
                if try parseResultParameter(name, value, into: &parsed) {
                    if name == "_count" { countGiven = true }
                } else {
                    parsed.query.criteria.append(try criterion(name: name, value: value, type: type, allowChain: true))
                }
                parsed.applied.append((name, value))
            } catch let error where lenient && error.isUnsupported {
                parsed.ignored.append((name, error.message))
            }
        }
        if !countGiven { parsed.applied.append(("_count", String(parsed.query.count))) }
        if parsed.countOnly { parsed.query.includeTotal = true }
        return parsed
    }

    // MARK: Result parameters

    /// Handles `_count`, `_sort`, `_total`, `_summary`, `_elements`, `_include`, `_revinclude`;
    /// false for anything else.
    private func parseResultParameter(
        _ name: String, _ value: String, into parsed: inout ParsedSearch
    ) throws(SearchQueryError) -> Bool {
        let type = parsed.query.type
        switch name {
        case "_count":
            guard let count = Int(value), count >= 0 else { throw SearchQueryError(parameter: name, "must be a whole number") }
            parsed.countOnly = parsed.countOnly || count == 0
            parsed.query.count = min(max(count, 1), maxCount)
        case "_sort":
            parsed.query.sort = try sortKeys(value, type: type)
        case "_totalMethod":
            // fhirpy's `count()` sends this (an Aidbox parameter): it asks for a total, as
            // `_total=accurate` does, and selects nothing, so honouring it drops no filter.
            parsed.total = .accurate
            parsed.query.includeTotal = true
        case "_total":
            guard let mode = TotalMode(rawValue: value) else {
                throw SearchQueryError(parameter: name, "must be none, estimate or accurate")
            }
            parsed.total = mode
            // `estimate` is answered with the exact count: the store counts cheaply enough.
            parsed.query.includeTotal = mode != .none
        case "_summary":
            guard let mode = SummaryMode(rawValue: value) else {
                throw SearchQueryError(parameter: name, "must be true, false, text, data or count")
            }
            parsed.summary = mode == .false ? nil : mode
            if mode == .count { parsed.countOnly = true }
        case "_elements":
            let names = value.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty }) else {
                throw SearchQueryError(parameter: name, "must list element names")
            }
            for element in names where !Self.isTopLevelElement(element, of: type) {
                throw SearchQueryError(parameter: name, "names an element \(type) does not have: \(element)")
            }
            parsed.elements = names
        case "_include", "_include:iterate", "_include:recurse":
            parsed.includes.append(try include(value, parameter: name, iterate: name != "_include", reverse: false, type: type))
        case "_revinclude", "_revinclude:iterate", "_revinclude:recurse":
            parsed.revincludes.append(try include(value, parameter: name, iterate: name != "_revinclude", reverse: true, type: type))
        default:
            return false
        }
        return true
    }

    private func sortKeys(_ value: String, type: String) throws(SearchQueryError) -> [SortKey] {
        var keys: [SortKey] = []
        for item in value.split(separator: ",", omittingEmptySubsequences: false) {
            let descending = item.hasPrefix("-")
            let name = String(descending ? item.dropFirst() : item)
            switch name {
            case "_id": keys.append(.id(descending: descending))
            case "_lastUpdated": keys.append(.lastUpdated(descending: descending))
            default:
                guard let definition = catalogue.parameter(name, of: type) else {
                    throw SearchQueryError(parameter: "_sort", "\(type) has no search parameter \(name)", unsupported: true)
                }
                guard let table = Self.table(of: definition.type), definition.expression != nil else {
                    throw SearchQueryError(parameter: "_sort", "cannot sort by \(name) (a \(definition.type.rawValue) parameter)",
                                           unsupported: true)
                }
                keys.append(.parameter(name, table, descending: descending))
            }
        }
        return keys
    }

    private func include(
        _ value: String, parameter: String, iterate: Bool, reverse: Bool, type: String
    ) throws(SearchQueryError) -> IncludeRequest {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (2...3).contains(parts.count), TypeCatalogue.r4.resourceContextID(forName: parts[0]) != nil else {
            throw SearchQueryError(parameter: parameter, "must be Type:parameter or Type:parameter:targetType")
        }
        let source = parts[0]
        if !reverse && !iterate && source != type {
            throw SearchQueryError(parameter: parameter, "names \(source), not the type searched (\(type)); use :iterate")
        }
        var referenceParameter: String?
        if parts[1] != "*" {
            guard let definition = catalogue.parameter(parts[1], of: source), definition.type == .reference else {
                throw SearchQueryError(parameter: parameter, "\(source) has no reference parameter \(parts[1])", unsupported: true)
            }
            referenceParameter = parts[1]
        }
        var target: String?
        if parts.count == 3 {
            guard TypeCatalogue.r4.resourceContextID(forName: parts[2]) != nil else {
                throw SearchQueryError(parameter: parameter, "names an unknown target type")
            }
            target = parts[2]
        }
        return IncludeRequest(sourceType: source, parameter: referenceParameter, targetType: target, iterate: iterate)
    }

    static func isTopLevelElement(_ name: String, of type: String) -> Bool {
        let catalogue = TypeCatalogue.r4
        guard let contextID = catalogue.resourceContextID(forName: type) else { return false }
        let context = catalogue.contexts[contextID]
        if context.memberIndex(named: name) != nil { return true }
        // A choice element is named with its `[x]` stem (`value` for `value[x]`).
        return context.members.contains { $0.isChoice && $0.pathName.hasPrefix(name) }
    }

    // MARK: Criteria

    /// One search parameter (`name[:modifier]`, a chain, or `_has`) as a criterion on `type`.
    func criterion(name: String, value: String, type: String, allowChain: Bool) throws(SearchQueryError) -> SearchCriterion {
        if name.hasPrefix("_has:") {
            guard allowChain else { throw SearchQueryError(parameter: name, "only one level of _has is supported", unsupported: true) }
            return try reverseChain(name: name, value: value, type: type)
        }
        if let dot = name.firstIndex(of: ".") {
            guard allowChain else { throw SearchQueryError(parameter: name, "only one level of chaining is supported", unsupported: true) }
            return try chain(reference: String(name[..<dot]), chained: String(name[name.index(after: dot)...]), value: value, type: type)
        }
        let (base, modifier) = Self.split(name)
        switch base {
        case "_id":
            guard modifier == nil else { throw SearchQueryError(parameter: name, "_id takes no modifier", unsupported: true) }
            return .id(try Self.alternatives(value, parameter: name).map { text throws(SearchQueryError) in
                guard FHIRID.isValid(text) else { throw SearchQueryError(parameter: name, "is not a FHIR id") }
                return text
            })
        case "_lastUpdated":
            guard modifier == nil else { throw SearchQueryError(parameter: name, "_lastUpdated takes no modifier", unsupported: true) }
            return .lastUpdated(try Self.alternatives(value, parameter: name).map { text throws(SearchQueryError) in
                try dateMatch(text, parameter: name)
            })
        default:
            break
        }
        guard let definition = catalogue.parameter(base, of: type) else {
            throw SearchQueryError(parameter: name, "\(type) has no search parameter \(base)", unsupported: true)
        }
        guard definition.expression != nil, definition.type != .special else {
            throw SearchQueryError(parameter: name, "the search parameter \(base) is not supported by this server", unsupported: true)
        }
        if modifier == "missing" {
            guard value == "true" || value == "false" else { throw SearchQueryError(parameter: name, "must be true or false") }
            let (indexed, table) = definition.type == .composite
                ? (base + "$0", componentTable(definition, 0) ?? .token) : (base, Self.table(of: definition.type) ?? .token)
            return .missing(indexed, table, value == "true")
        }
        return try valueCriterion(definition, modifier: modifier, value: value, name: name)
    }

    /// `subject:Patient.name=…` or `subject.name=…` (every target type that has `name`).
    private func chain(reference: String, chained: String, value: String, type: String) throws(SearchQueryError) -> SearchCriterion {
        let name = reference + "." + chained
        let (base, modifier) = Self.split(reference)
        guard let definition = catalogue.parameter(base, of: type), definition.type == .reference else {
            throw SearchQueryError(parameter: name, "\(type) has no reference parameter \(base) to chain from", unsupported: true)
        }
        let targets: [String]
        if let modifier {
            guard definition.targets.isEmpty || definition.targets.contains(modifier) else {
                throw SearchQueryError(parameter: name, "\(base) cannot refer to \(modifier)", unsupported: true)
            }
            targets = [modifier]
        } else {
            let chainedBase = Self.split(chained).base
            let candidates = Self.effectiveTargets(definition)
            targets = candidates.filter { chainedBase.hasPrefix("_") || catalogue.parameter(chainedBase, of: $0) != nil }
            guard !targets.isEmpty else {
                throw SearchQueryError(parameter: name, "no type \(base) refers to has the parameter \(chainedBase)", unsupported: true)
            }
        }
        var matches: [ReferenceMatch] = []
        for target in targets {
            let inner = try criterion(name: chained, value: value, type: target, allowChain: false)
            matches.append(.chained(type: target, criterion: inner))
        }
        return .reference(base, matches)
    }

    /// `_has:Observation:patient:code=…`: resources an Observation with that code refers to
    /// through its `patient` parameter.
    private func reverseChain(name: String, value: String, type: String) throws(SearchQueryError) -> SearchCriterion {
        let parts = name.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, TypeCatalogue.r4.resourceContextID(forName: parts[1]) != nil else {
            throw SearchQueryError(parameter: name, "must be _has:Type:referenceParameter:parameter")
        }
        let (source, referenceName, parameter) = (parts[1], parts[2], parts[3])
        guard let reference = catalogue.parameter(referenceName, of: source), reference.type == .reference else {
            throw SearchQueryError(parameter: name, "\(source) has no reference parameter \(referenceName)", unsupported: true)
        }
        guard reference.targets.isEmpty || reference.targets.contains(type) else {
            throw SearchQueryError(parameter: name, "\(source).\(referenceName) cannot refer to \(type)", unsupported: true)
        }
        let inner = try criterion(name: parameter, value: value, type: source, allowChain: false)
        return .referencedBy(type: source, parameter: referenceName, criterion: inner)
    }

    // MARK: Helpers

    /// `family:exact` → (`family`, `exact`).
    static func split(_ name: String) -> (base: String, modifier: String?) {
        guard let colon = name.firstIndex(of: ":") else { return (name, nil) }
        return (String(name[..<colon]), String(name[name.index(after: colon)...]))
    }

    static func table(of type: SearchParameterType) -> IndexTable? {
        switch type {
        case .number: .number
        case .date: .date
        case .string: .string
        case .token: .token
        case .reference: .reference
        case .quantity: .quantity
        case .uri: .uri
        case .composite, .special: nil
        }
    }

    func componentTable(_ definition: SearchParameterDefinition, _ index: Int) -> IndexTable? {
        guard index < definition.components.count,
              let component = catalogue.definition(url: definition.components[index].definition)
        else { return nil }
        return Self.table(of: component.type)
    }

    /// The comma-separated alternatives of a value, with `\,` `\$` `\|` `\\` escapes kept for
    /// the next split (search.html §3.1.1.4.11); none may be empty.
    static func alternatives(_ value: String, parameter: String) throws(SearchQueryError) -> [String] {
        let parts = SearchValueText.split(value, on: ",")
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else {
            throw SearchQueryError(parameter: parameter, "has an empty value")
        }
        return parts
    }
}

/// FHIR `id`: `[A-Za-z0-9\-\.]{1,64}`: what a search value, a URL segment and a reference's id
/// must be (the API's routing asks the same function).
public enum FHIRID {
    public static func isValid(_ id: String) -> Bool {
        guard (1...64).contains(id.utf8.count) else { return false }
        return id.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x2E
        }
    }
}
