import FHIRCore
import FHIRJSON
import FHIRSearch
import GatewayStore
import Testing

/// Resources for the indexer tests, written as FHIR JSON and read by the strict reader.
enum IndexFixtures {
    static func resource(_ json: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> FHIRElement {
        let result = FHIRJSONReader().read(Array(json.utf8))
        return try #require(result.resource, "fixture does not parse: \(result.issues)", sourceLocation: sourceLocation)
    }

    static func index(_ json: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> SearchIndex {
        let element = try resource(json, sourceLocation: sourceLocation)
        var failed: [String] = []
        let index = SearchIndexer.r4.index(element, failedParameters: &failed)
        #expect(failed.isEmpty, "failed expressions: \(failed)", sourceLocation: sourceLocation)
        return index
    }

    static func instant(_ text: String) -> StoreTimestamp {
        SearchDateInterval(lexeme: text)!.low
    }
}

extension SearchIndex {
    func tokens(_ parameter: String) -> [TokenEntry] { tokens.filter { $0.parameter == parameter } }
    func strings(_ parameter: String) -> [String] { strings.filter { $0.parameter == parameter }.map(\.normalized) }
    func references(_ parameter: String) -> [String] { references.filter { $0.parameter == parameter }.map(\.target) }
    func dates(_ parameter: String) -> [DateEntry] { dates.filter { $0.parameter == parameter } }
}
