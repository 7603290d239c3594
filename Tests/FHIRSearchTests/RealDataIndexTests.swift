import FHIRCore
import FHIRJSON
@testable import FHIRSearch
import Foundation
import GatewayStore
import GatewayTestSupport
import Testing

/// Every resource of the Synthea bundles and the US Core examples indexes without a failed
/// expression; the rows per parameter type are printed.
@Suite("Indexing real data")
struct RealDataIndexTests {
    static let hasData = SharedData.folder("synthea/bundles") != nil || SharedData.folder("us-core/examples") != nil

    @Test("Synthea bundles and US Core examples", .enabled(if: hasData, "../shared/synthea and ../shared/us-core are absent: skipped"))
    func indexesEverything() throws {
        let reader = FHIRJSONReader()
        var resources = 0
        var unreadable: [String] = []
        var failures: [String: Int] = [:]
        var totals = SearchIndex()
        var byType: [String: Int] = [:]
        var unskipped = SearchIndexer.r4
        unskipped.skipsAbsentElements = false
        var differing: [String] = []
        func visit(_ resource: FHIRElement) {
            var failed: [String] = []
            let index = SearchIndexer.r4.index(resource, failedParameters: &failed)
            // Skipping the expressions whose first element is absent changes no row.
            if index != unskipped.index(resource) { differing.append(resource.resourceType ?? "?") }
            resources += 1
            byType[resource.resourceType ?? "?", default: 0] += 1
            for name in failed { failures["\(resource.resourceType ?? "?").\(name)", default: 0] += 1 }
            totals.tokens += index.tokens
            totals.references += index.references
            totals.dates += index.dates
            totals.strings += index.strings
            totals.numbers += index.numbers
            totals.quantities += index.quantities
            totals.uris += index.uris
        }
        let files = SharedData.files(in: "synthea/bundles", withExtension: "json")
            + SharedData.files(in: "us-core/examples", withExtension: "json")
        for file in files {
            guard let resource = reader.read(try SharedData.bytes(of: file)).resource else {
                unreadable.append(file.lastPathComponent)
                continue
            }
            visit(resource)
            if resource.resourceType == "Bundle" {
                for entry in resource.children where entry.name == "entry" {
                    if let inner = entry.child("resource") { visit(inner) }
                }
            }
        }
        func perParameter<T>(_ rows: [T], _ name: KeyPath<T, String>) -> Int { Set(rows.map { $0[keyPath: name] }).count }
        print("""
            indexed \(resources) resources from \(files.count) files (\(unreadable.count) unreadable); rows: \
            token \(totals.tokens.count), reference \(totals.references.count), date \(totals.dates.count), \
            string \(totals.strings.count), number \(totals.numbers.count), quantity \(totals.quantities.count), \
            uri \(totals.uris.count); composite rows \(compositeRows(totals)); \
            distinct parameters: token \(perParameter(totals.tokens, \.parameter)), \
            reference \(perParameter(totals.references, \.parameter)), date \(perParameter(totals.dates, \.parameter)), \
            string \(perParameter(totals.strings, \.parameter)), quantity \(perParameter(totals.quantities, \.parameter))
            """)
        let (skippable, all) = SearchIndexer.r4.skippableCount
        print("plain-path parameters skipped when their first element is absent: \(skippable) of \(all)")
        #expect(differing.isEmpty, "skipping absent elements changed the rows of \(differing.count) resources: \(Set(differing))")
        #expect(failures.isEmpty, "failed expressions: \(failures.sorted { $0.key < $1.key })")
        #expect(resources > 1000)
        #expect(!totals.tokens.isEmpty && !totals.references.isEmpty && !totals.dates.isEmpty && !totals.strings.isEmpty)
        #expect(!totals.quantities.isEmpty)
    }

    private func compositeRows(_ index: SearchIndex) -> Int {
        index.tokens.filter { $0.group > 0 }.count + index.quantities.filter { $0.group > 0 }.count
            + index.strings.filter { $0.group > 0 }.count + index.dates.filter { $0.group > 0 }.count
            + index.references.filter { $0.group > 0 }.count + index.numbers.filter { $0.group > 0 }.count
            + index.uris.filter { $0.group > 0 }.count
    }
}
