import FHIRCore
import FHIRSearch
import GatewayStore
import HTTPServer

/// `GET [base]/[type]?…` and `POST [base]/[type]/_search`: a searchset Bundle with `self` and
/// `next` links (FHIR R4 search.html §3.1.1.5.6). The parameters come from the official R4
/// definitions (`FHIRSearch.SearchQueryParser`); one the server cannot apply is a 400, or, with
/// `Prefer: handling=lenient`, left out with a warning in an `outcome` entry. Either way the
/// `self` link lists only what was applied. Paging uses the store's keyset cursor, which stays
/// correct while writes arrive; the `next` link carries it as `_cursor`.
extension FHIRAPI {
    func search(type: String, parameters: QueryParameters, call: APICall) async throws -> HTTPResponse {
        let parsed = try parseSearch(type: type, parameters: parameters, call: call)
        try await requireCompleteIndex(for: parsed.query)
        let boundary = DataBoundary.current
        let maxIncludes = configuration.maxPageSize
        let (page, included) = try await store.readAsync { store in
            // Outside the client's boundary nothing matches; the self link shows only what the client asked.
            let reader = try boundary.resolved(in: store)
            var query = parsed.query
            if let criterion = reader.criterion(for: type, .search) { query.criteria.append(criterion) }
            let page = try Self.search(query, in: store)
            let included = parsed.countOnly
                ? ([], false) : try IncludeResolver(store: store, access: reader, limit: maxIncludes).resolve(parsed, matches: page.resources)
            return (page, included)
        }
        return call.resource(searchBundle(type: type, parsed: parsed, page: page, included: included, call: call), status: 200)
    }

    func parseSearch(type: String, parameters: QueryParameters, call: APICall) throws(APIError) -> ParsedSearch {
        let parser = SearchQueryParser(
            baseURL: call.baseURL, lenient: call.prefer.lenientHandling, defaultCount: configuration.defaultPageSize,
            maxCount: configuration.maxPageSize)
        do {
            return try parser.parse(type: type, parameters.items)
        } catch {
            throw APIError(400, error.isUnsupported ? .notSupported : .value, "search parameter \(error.parameter): \(error.message)")
        }
    }

    static func search(_ query: ResourceQuery, in reader: any StoreReader) throws -> SearchPage {
        do {
            return try reader.search(query)
        } catch StoreError.misuse(_) {
            // Only a cursor the client altered, or took from another search, gets here.
            throw APIError(400, .value, "_cursor is not a paging cursor of this search")
        }
    }

    func searchBundle(
        type: String, parsed: ParsedSearch, page: SearchPage, included: (resources: [StoredResource], truncated: Bool), call: APICall
    ) -> FHIRElement {
        let query = parsed.query
        let selfURL = link(type: type, parsed.applied + (query.cursor.map { [("_cursor", $0.token)] } ?? []), call: call)
        var links = [("self", selfURL)]
        if let next = page.next, !parsed.countOnly {
            links.append(("next", link(type: type, parsed.applied + [("_cursor", next.token)], call: call)))
        }
        var total = page.total
        if total == nil, query.cursor == nil, page.next == nil { total = page.resources.count }
        let subset = ResourceSubset(summary: parsed.summary, elements: parsed.elements)
        var entries: [ResponseBundle.Model.Entry] = []
        if !parsed.countOnly {
            for (stored, mode) in page.resources.map({ ($0, "match") }) + included.resources.map({ ($0, "include") }) {
                entries.append(ResponseBundle.entry(
                    fullUrl: "\(call.baseURL)/\(stored.type)/\(stored.id)",
                    resource: APICall.element(of: stored).map(subset.apply), search: mode))
            }
        }
        var issues = parsed.ignored.map { Issue(.warning, .notSupported, "search parameter \($0.name) was ignored: \($0.reason)") }
        if included.truncated {
            issues.append(Issue(
                .warning, .tooCostly,
                "_include/_revinclude stopped at \(configuration.maxPageSize) resources on this page; "
                    + "ask for a smaller _count to get them all"))
        }
        if !issues.isEmpty {
            entries.append(ResponseBundle.entry(resource: issues.operationOutcome(), search: "outcome"))
        }
        return ResponseBundle.bundle(type: "searchset", total: total, links: links, entries: entries)
    }

    private func link(type: String, _ parameters: [(name: String, value: String)], call: APICall) -> String {
        var items = parameters
        if let format = call.parameters.first("_format") { items.append(("_format", format)) }
        return "\(call.baseURL)/\(type)?" + QueryParameters.encode(items)
    }
}
