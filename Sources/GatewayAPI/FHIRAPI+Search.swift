import FHIRCore
import GatewayStore
import HTTPServer

/// `GET [base]/[type]?…` and `POST [base]/[type]/_search`: a searchset Bundle with `self` and
/// `next` links (FHIR R4 search.html §3.1.1.5.6). Paging uses the store's cursor, which stays
/// stable while writes arrive; the `next` link carries it as `_cursor`.
extension FHIRAPI {
    func search(type: String, parameters: QueryParameters, call: APICall) async throws -> HTTPResponse {
        let request = try searchRequest(type: type, parameters: parameters, call: call)
        let query = request.query
        let page = try await store.readAsync { reader in try Self.search(query, in: reader) }
        return call.resource(searchBundle(type: type, request: request, page: page, call: call), status: 200)
    }

    func searchRequest(type: String, parameters: QueryParameters, call: APICall) throws(APIError) -> SearchRequest {
        try SearchRequest(
            type: type, parameters: parameters, offered: capability.searchParameters(of: type),
            strict: call.prefer.strictHandling, defaultCount: configuration.defaultPageSize, maxCount: configuration.maxPageSize)
    }

    static func search(_ query: ResourceQuery, in reader: any StoreReader) throws -> SearchPage {
        do {
            return try reader.search(query)
        } catch StoreError.misuse(_) {
            // Only a cursor the client altered, or took from another sort order, gets here.
            throw APIError(400, .value, "_cursor is not a paging cursor of this search")
        }
    }

    func searchBundle(type: String, request: SearchRequest, page: SearchPage, call: APICall) -> FHIRElement {
        let query = request.query
        let selfURL = link(type: type, request.applied + (query.cursor.map { [("_cursor", $0.token)] } ?? []), call: call)
        var links = [("self", selfURL)]
        if let next = page.next, !request.countOnly {
            links.append(("next", link(type: type, request.applied + [("_cursor", next.token)], call: call)))
        }
        var total = page.total
        if total == nil, query.cursor == nil, page.next == nil { total = page.resources.count }
        let entries = request.countOnly ? [] : page.resources.map { stored in
            ResponseBundle.entry(
                fullUrl: "\(call.baseURL)/\(stored.type)/\(stored.id)", resource: APICall.element(of: stored), search: "match")
        }
        return ResponseBundle.bundle(type: "searchset", total: total, links: links, entries: entries)
    }

    private func link(type: String, _ parameters: [(name: String, value: String)], call: APICall) -> String {
        var items = parameters
        if let format = call.parameters.first("_format") { items.append(("_format", format)) }
        return "\(call.baseURL)/\(type)?" + QueryParameters.encode(items)
    }
}
