import FHIRCore
import FHIRJSON
import FHIRPath
import Foundation
import GatewayStore
import GatewayTestSupport
import Testing
@testable import FHIRSearch

/// Search checked against an oracle over data nobody here wrote (issue 15, must show): the 28
/// Synthea Bundles and the US Core examples are stored with their index rows, then for every
/// search parameter of every type present, a query built from a value the data really has is
/// answered by the store (parser, index, SQL) and compared with the answer computed here
/// directly from the resources: the parameter's FHIRPath evaluated on each resource (with a
/// real `resolve()` over the loaded data) and the match decided by this file's own reading of
/// search.html, never by the index.
@Suite("Search against an oracle", .enabled(if: SharedData.root != nil, Comment(rawValue: SharedData.absentMessage)))
struct SearchOracleTests {
    @Test("every parameter present in Synthea and US Core: the store's answer is the oracle's")
    func everyParameterOfTheData() async throws {
        // One corpus-sized test at a time (HeavyTestGate): the delivery tests beside it keep their timing.
        try await HeavyTestGate.shared.run { [self] in try self.everyParameterOfTheDataAlone() }
    }

    func everyParameterOfTheDataAlone() throws {
        let corpus = try OracleCorpus.load()
        let parser = SearchQueryParser(baseURL: "http://oracle.example/fhir", maxCount: 100_000)
        var covered = 0
        var queries = 0
        var withoutValues = 0
        var skipped: [String] = []
        var mismatches: [String] = []
        for type in corpus.byType.keys.sorted() {
            let resources = corpus.byType[type] ?? [:]
            for definition in SearchParameterCatalogue.r4.parameters(of: type) {
                guard let expression = definition.expression, definition.type != .special,
                      definition.name != "_id", definition.name != "_lastUpdated"
                else { continue }
                guard definition.type != .composite else {
                    skipped.append("\(type).\(definition.name) (composite: tested in SearchIndexerTests and SearchCriteriaTests)")
                    continue
                }
                let compiled = try FHIRPathExpression(expression)
                var values: [String: [OracleValue]] = [:]
                for (id, resource) in resources {
                    values[id] = corpus.values(of: compiled, type: definition.type, on: resource)
                }
                guard let sample = values.sorted(by: { $0.key < $1.key }).lazy.compactMap({ $0.value.first }).first else {
                    withoutValues += 1
                    continue
                }
                covered += 1
                for (query, matches) in OracleValue.queries(for: sample, type: definition.type) {
                    queries += 1
                    let expected = Set(values.filter { _, found in found.contains(where: matches) }.keys)
                    let actual = try corpus.search(type, [(definition.name + query.modifier, query.value)], parser: parser)
                    if actual != expected {
                        mismatches.append("\(type)?\(definition.name)\(query.modifier)=\(query.value): "
                            + "\(actual.count) found, \(expected.count) expected; only found \(actual.subtracting(expected).sorted().prefix(3)), "
                            + "only expected \(expected.subtracting(actual).sorted().prefix(3))")
                    }
                }
                // :missing, for every parameter.
                queries += 2
                let missing = Set(values.filter { $0.value.isEmpty }.keys)
                if try corpus.search(type, [(definition.name + ":missing", "true")], parser: parser) != missing {
                    mismatches.append("\(type)?\(definition.name):missing=true")
                }
                if try corpus.search(type, [(definition.name + ":missing", "false")], parser: parser) != Set(resources.keys).subtracting(missing) {
                    mismatches.append("\(type)?\(definition.name):missing=false")
                }
            }
        }
        print("search oracle: \(corpus.count) resources of \(corpus.byType.count) types; \(covered) parameters with values in the data, "
              + "\(queries) queries, \(mismatches.count) mismatches; \(withoutValues) parameters have no value in the data; "
              + "\(skipped.count) composite parameters checked elsewhere")
        #expect(covered >= 300)
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches:\n\(mismatches.prefix(40).joined(separator: "\n"))")
    }
}

/// One value of a parameter in a resource, as the oracle reads it.
enum OracleValue: Hashable {
    case token(system: String?, code: String)
    case string(String)
    case reference(String)
    case uri(String)
    /// A closed interval in microseconds (dates) or a number's interval with its unit (numbers, quantities).
    case date(low: Int64, high: Int64)
    case number(low: Decimal, high: Decimal, lexeme: String, system: String?, code: String?)

    struct Query: Hashable {
        var modifier = ""
        var value: String
    }

    /// The queries a sample value makes, each with the oracle's test for one value of a resource.
    static func queries(for sample: OracleValue, type: SearchParameterType) -> [(Query, (OracleValue) -> Bool)] {
        switch sample {
        case .token(let system, let code):
            let escaped = escape(code)
            var result: [(Query, (OracleValue) -> Bool)] = [
                (Query(value: escaped), { if case .token(_, let c) = $0 { c == code } else { false } }),
            ]
            if let system {
                result.append((Query(value: escape(system) + "|" + escaped), {
                    if case .token(let s, let c) = $0 { s == system && c == code } else { false }
                }))
            }
            return result
        case .string(let text):
            let prefix = String(text.prefix(3))
            let folded = fold(prefix)
            return [
                (Query(value: escape(prefix)), { if case .string(let t) = $0 { fold(t).hasPrefix(folded) } else { false } }),
                (Query(modifier: ":exact", value: escape(text)), { if case .string(let t) = $0 { t == text } else { false } }),
            ]
        case .reference(let target):
            return [(Query(value: escape(target)), { if case .reference(let t) = $0 { t == target } else { false } })]
        case .uri(let value):
            return [(Query(value: escape(value)), { if case .uri(let v) = $0 { v == value } else { false } })]
        case .date(let low, _):
            // The UTC day the sample starts on, with `ge` and `lt` (search.html: ge = the target
            // reaches above the day or lies in it; lt = the target starts before the day).
            let day = Date(timeIntervalSince1970: Double(low) / 1_000_000)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let start = calendar.startOfDay(for: day)
            let dayLow = Int64(start.timeIntervalSince1970) * 1_000_000
            let dayHigh = dayLow + 86_400_000_000 - 1
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate]
            let text = formatter.string(from: start)
            return [
                (Query(value: "ge" + text), {
                    if case .date(let l, let h) = $0 { h > dayHigh || (l >= dayLow && h <= dayHigh) } else { false }
                }),
                (Query(value: "lt" + text), { if case .date(let l, _) = $0 { l < dayLow } else { false } }),
            ]
        case .number(let low, let high, let lexeme, let system, let code):
            let unit = type == .quantity ? "|" + (system.map(escape) ?? "") + "|" + (code.map(escape) ?? "") : ""
            return [(Query(value: lexeme + unit), { value in
                guard case .number(let l, let h, _, let s, let c) = value else { return false }
                if type == .quantity, (code != nil && c != code) || (system != nil && s != system) { return false }
                return l >= low && h <= high
            })]
        }
    }

    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            if character == "," || character == "|" || character == "$" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result
    }

    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "en_US_POSIX"))
    }
}
