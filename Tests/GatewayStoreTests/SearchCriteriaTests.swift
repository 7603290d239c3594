import Foundation
import Testing
@testable import GatewayStore

/// The store's side of search on both engines, with index rows written by hand (the indexer is
/// tested on its own): every value kind and prefix, `:missing`, `:not`, composites matched
/// within one value, chains, `_has`, sorting by parameters with keyset paging, and the reads
/// `_include`, `_revinclude` and history use.
@Suite("Search criteria")
struct SearchCriteriaTests {
    static func time(_ seconds: Int64) -> StoreTimestamp { StoreTimestamp(microsecondsSinceEpoch: seconds * 1_000_000) }

    /// Three observations of two patients: o1 (p1: glucose 5.4 mmol/L at 10 s, family "Müller"),
    /// o2 (p1: glucose 7.0 at 20 s), o3 (p2: heart rate 80 at 30 s, no value string).
    func seed(_ store: any GatewayStore) throws {
        try store.write { (transaction) throws in
            for patient in ["p1", "p2"] {
                _ = try transaction.create(type: "Patient", id: patient, body: Data("{}".utf8), index: SearchIndex(
                    tokens: [.init(parameter: "gender", system: "http://hl7.org/fhir/administrative-gender", code: patient == "p1" ? "female" : "male")],
                    strings: [.init(parameter: "family", normalized: patient == "p1" ? "muller" : "smith", exact: patient == "p1" ? "Müller" : "Smith")]))
            }
            let observations: [(id: String, patient: String, code: String, value: Double, at: Int64)] = [
                ("o1", "p1", "15074-8", 5.4, 10), ("o2", "p1", "15074-8", 7.0, 20), ("o3", "p2", "8867-4", 80, 30),
            ]
            for observation in observations {
                var index = SearchIndex(
                    tokens: [
                        .init(parameter: "code", system: "http://loinc.org", code: observation.code),
                        .init(parameter: "code-value-quantity$0", system: "http://loinc.org", code: observation.code, group: 1),
                    ],
                    references: [.init(parameter: "subject", target: "Patient/\(observation.patient)")],
                    dates: [.init(parameter: "date", low: Self.time(observation.at), high: Self.time(observation.at + 1))],
                    quantities: [
                        .init(parameter: "value-quantity", system: "http://unitsofmeasure.org", code: "mmol/L",
                              low: observation.value - 0.05, high: observation.value + 0.05),
                        .init(parameter: "code-value-quantity$1", system: "http://unitsofmeasure.org", code: "mmol/L",
                              low: observation.value - 0.05, high: observation.value + 0.05, group: 1),
                    ],
                    uris: [.init(parameter: "_profile", value: "http://example.org/StructureDefinition/\(observation.id)/v1")])
                if observation.id == "o3" {
                    // A second component whose code and value belong to different groups.
                    index.tokens.append(.init(parameter: "code-value-quantity$0", system: "http://loinc.org", code: "15074-8", group: 2))
                    index.quantities.append(.init(parameter: "code-value-quantity$1", system: nil, code: "mmol/L", low: 1, high: 2, group: 3))
                    index.tokens.append(.init(parameter: "code-value-quantity$0", system: "http://loinc.org", code: "1-1", group: 3))
                } else {
                    index.strings.append(.init(parameter: "value-string", normalized: "high", exact: "High"))
                }
                _ = try transaction.create(type: "Observation", id: observation.id, body: Data("{}".utf8), index: index)
            }
        }
    }

    func ids(_ store: any GatewayStore, _ criteria: [SearchCriterion], type: String = "Observation", sort: [SortKey] = []) throws -> [String] {
        try store.read { reader in
            try reader.search(ResourceQuery(type: type, criteria: criteria, sort: sort.isEmpty ? [.id(descending: false)] : sort)).resources.map(\.id)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func valueKindsAndPrefixes(engine: StoreEngine) throws {
        try withStore(engine, clock: TestClock()) { (store) throws in
            try seed(store)
            func quantity(_ prefix: SearchPrefix, _ low: Double, _ high: Double, code: String? = nil) throws -> [String] {
                try ids(store, [.quantity("value-quantity", [QuantityMatch(value: IntervalMatch(prefix: prefix, low: low, high: high), system: nil, code: code)])])
            }
            #expect(try quantity(.eq, 5.35, 5.45) == ["o1"])
            #expect(try quantity(.ne, 5.35, 5.45) == ["o2", "o3"])
            #expect(try quantity(.gt, 6.95, 7.05) == ["o3"])
            #expect(try quantity(.ge, 6.95, 7.05) == ["o2", "o3"])
            #expect(try quantity(.lt, 6.95, 7.05) == ["o1"])
            #expect(try quantity(.le, 6.95, 7.05) == ["o1", "o2"])
            #expect(try quantity(.sa, 6.95, 7.05) == ["o3"])
            #expect(try quantity(.eb, 6.95, 7.05) == ["o1"])
            #expect(try quantity(.ap, 6.5, 7.5) == ["o2"])
            #expect(try quantity(.eq, 5.35, 5.45, code: "mg/dL") == [])
            func date(_ prefix: SearchPrefix, _ low: Int64, _ high: Int64) throws -> [String] {
                try ids(store, [.date("date", [IntervalMatch(prefix: prefix, low: Self.time(low), high: Self.time(high))])])
            }
            #expect(try date(.eq, 0, 15) == ["o1"])
            #expect(try date(.ge, 20, 21) == ["o2", "o3"])
            #expect(try date(.lt, 20, 21) == ["o1"])
            // Strings: folded starts-with, contains, exact as written.
            #expect(try ids(store, [.string("family", [.startsWith("mul")])], type: "Patient") == ["p1"])
            #expect(try ids(store, [.string("family", [.contains("ll")])], type: "Patient") == ["p1"])
            #expect(try ids(store, [.string("family", [.exact("Müller")])], type: "Patient") == ["p1"])
            #expect(try ids(store, [.string("family", [.exact("muller")])], type: "Patient") == [])
            #expect(try ids(store, [.string("family", [.contains("%")])], type: "Patient") == [])
            // uri: equals, below, above.
            #expect(try ids(store, [.uri("_profile", [.below("http://example.org/StructureDefinition/o")])]) == ["o1", "o2", "o3"])
            #expect(try ids(store, [.uri("_profile", [.above("http://example.org/StructureDefinition/o2/v1/extra")])]) == ["o2"])
            #expect(try ids(store, [.uri("_profile", [.equals("http://example.org/StructureDefinition/o3/v1")])]) == ["o3"])
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func missingNotCompositeChainAndHas(engine: StoreEngine) throws {
        try withStore(engine, clock: TestClock()) { (store) throws in
            try seed(store)
            #expect(try ids(store, [.missing("value-string", .string, true)]) == ["o3"])
            #expect(try ids(store, [.missing("value-string", .string, false)]) == ["o1", "o2"])
            #expect(try ids(store, [.notToken("code", [TokenMatch(system: .any, code: "8867-4")])]) == ["o1", "o2"])
            // Composite: o3 has the glucose code and an mmol/L value, but in different groups.
            let glucoseAbove5 = SearchCriterion.composite([[
                .token("code-value-quantity$0", [TokenMatch(system: .exactly("http://loinc.org"), code: "15074-8")]),
                .quantity("code-value-quantity$1", [QuantityMatch(value: IntervalMatch(prefix: .gt, low: 0.95, high: 1.05), system: nil, code: nil)]),
            ]])
            #expect(try ids(store, [glucoseAbove5]) == ["o1", "o2"])
            // Chain: observations of patients whose family starts with "smi".
            let chained = SearchCriterion.reference("subject", [.chained(type: "Patient", criterion: .string("family", [.startsWith("smi")]))])
            #expect(try ids(store, [chained]) == ["o3"])
            #expect(try ids(store, [.reference("subject", [.target("Patient/p1")])]) == ["o1", "o2"])
            // _has: patients with an observation of the glucose code.
            let has = SearchCriterion.referencedBy(
                type: "Observation", parameter: "subject", criterion: .token("code", [TokenMatch(system: .any, code: "15074-8")]))
            #expect(try ids(store, [has], type: "Patient") == ["p1"])
            #expect(try ids(store, [.anyOf([has, .token("gender", [TokenMatch(system: .any, code: "male")])])], type: "Patient") == ["p1", "p2"])
            // allOf inside anyOf (a data boundary: one scope's restriction is several parameters).
            let p1Glucose = SearchCriterion.allOf([
                .reference("subject", [.target("Patient/p1")]), .token("code", [TokenMatch(system: .any, code: "15074-8")]),
                .date("date", [IntervalMatch(prefix: .ge, low: Self.time(20), high: Self.time(20))]),
            ])
            #expect(try ids(store, [p1Glucose]) == ["o2"])
            #expect(try ids(store, [.anyOf([p1Glucose, .reference("subject", [.target("Patient/p2")])])]) == ["o2", "o3"])
            #expect(try ids(store, [.allOf([])]) == ["o1", "o2", "o3"])
            #expect(try ids(store, [.id([]), p1Glucose]).isEmpty)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func sortByParametersWithKeysetPaging(engine: StoreEngine) throws {
        try withStore(engine, clock: TestClock()) { (store) throws in
            try seed(store)
            #expect(try ids(store, [], sort: [.parameter("date", .date, descending: true)]) == ["o3", "o2", "o1"])
            #expect(try ids(store, [], sort: [.parameter("value-quantity", .quantity, descending: false)]) == ["o1", "o2", "o3"])
            // Resources without a value sort last both ways.
            #expect(try ids(store, [], sort: [.parameter("value-string", .string, descending: false)]) == ["o1", "o2", "o3"])
            #expect(try ids(store, [], sort: [.parameter("value-string", .string, descending: true)]) == ["o1", "o2", "o3"])
            #expect(try ids(store, [], sort: [.parameter("code", .token, descending: true), .id(descending: true)]) == ["o3", "o2", "o1"])
            // Pages of one over a descending date sort, with a write between pages.
            let sort: [SortKey] = [.parameter("date", .date, descending: true)]
            var seen: [String] = []
            var cursor: SearchCursor?
            repeat {
                let page = try store.read { try $0.search(ResourceQuery(type: "Observation", sort: sort, count: 1, cursor: cursor)) }
                seen += page.resources.map(\.id)
                cursor = page.next
                if seen.count == 1 {
                    // A newer observation after the first page does not shift the pages.
                    try store.write { (transaction) throws in
                        _ = try transaction.create(type: "Observation", id: "o4", body: Data("{}".utf8), index: SearchIndex(
                            dates: [.init(parameter: "date", low: Self.time(40), high: Self.time(41))]))
                    }
                }
            } while cursor != nil
            #expect(seen == ["o3", "o2", "o1"])
            // A cursor from another sort order is refused.
            let page = try store.read { try $0.search(ResourceQuery(type: "Observation", sort: sort, count: 1)) }
            #expect(throws: StoreError.self) {
                try store.read { try $0.search(ResourceQuery(type: "Observation", count: 1, cursor: page.next)) }
            }
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func includeHistoryAndReindexReads(engine: StoreEngine) throws {
        try withStore(engine, clock: TestClock()) { (store) throws in
            try seed(store)
            try store.read { (reader) throws in
                let references = try reader.indexedReferences(type: "Observation", ids: ["o1", "o3"], parameter: "subject")
                #expect(Set(references.map(\.target)) == ["Patient/p1", "Patient/p2"])
                #expect(try reader.readCurrent(type: "Patient", ids: ["p2", "zz"]).map(\.id) == ["p2"])
                let referring = try reader.referencingResources(type: "Observation", parameter: "subject", targets: ["Patient/p1"], limit: 10)
                #expect(referring.map(\.id) == ["o1", "o2"])
                let first = try reader.historyPage(type: nil, since: nil, before: nil, cursor: nil, limit: 3)
                #expect(first.versions.map(\.id) == ["o3", "o2", "o1"])
                let second = try reader.historyPage(type: nil, since: nil, before: nil, cursor: first.next, limit: 3)
                #expect(second.versions.map(\.id) == ["p2", "p1"])
                #expect(second.next == nil)
                #expect(try reader.historyPage(type: "Patient", since: nil, before: nil, cursor: nil, limit: 10).versions.count == 2)
                // A new store has nothing to re-index.
                #expect(try reader.reindexProgress() == nil)
            }
        }
    }
}
