import FHIRCore
import FHIRSearch
import GatewayStore

/// The search rows of a resource as every write path stores them: one place, so a transaction
/// entry, a REST write, an import and the re-indexer index alike (every R4 search parameter of
/// the resource's type, `FHIRSearch.SearchIndexer`).
public enum ResourceIndexing {
    public static func index(_ resource: FHIRElement) -> SearchIndex {
        SearchIndexer.r4.index(resource)
    }
}
