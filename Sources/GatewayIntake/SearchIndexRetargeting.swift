import GatewayStore

/// Corrects search rows computed ahead of a unit of work (`TransactionPlan.Operation.searchIndex`)
/// for what only the unit of work knows: a conditional create that matched a stored resource
/// makes the references to its entry point at that resource, not at the id the plan assigned.
/// Reference rows (and uri rows, since a `uri` element holding a `fullUrl` is rewritten too)
/// whose value is a planned `Type/id` that changed take the actual one, so the rows equal those of
/// indexing the resource as rewritten (tested against that in
/// `TransactionTests.rowsIndexedAheadFollowConditionalMatches`).
struct SearchIndexRetargeting {
    /// Planned `Type/id` → actual `Type/id`, only where they differ.
    private let changed: [String: String]

    init(planned: [String: String], actual: [String: String]) {
        var changed: [String: String] = [:]
        for (fullUrl, plannedTarget) in planned {
            if let actualTarget = actual[fullUrl], actualTarget != plannedTarget { changed[plannedTarget] = actualTarget }
        }
        self.changed = changed
    }

    func apply(_ index: SearchIndex) -> SearchIndex {
        guard !changed.isEmpty else { return index }
        var index = index
        for position in index.references.indices {
            if let target = changed[index.references[position].target] { index.references[position].target = target }
        }
        for position in index.uris.indices {
            if let value = changed[index.uris[position].value] { index.uris[position].value = value }
        }
        return index
    }
}
