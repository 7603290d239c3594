import FHIRCore
import FHIRResources
import GatewayStore
import HTTPServer

/// The Bundles the API answers with (searchset, history, transaction-response, batch-response),
/// built through the typed `Bundle` model so element order and JSON/XML forms come from the
/// definitions, whichever format is sent.
enum ResponseBundle {
    typealias Model = FHIRResources.Bundle

    /// `201 Created`: the status line FHIR puts in `Bundle.entry.response.status`.
    static func statusText(_ status: Int) -> String {
        "\(status) \(HTTPResponse.reasonPhrase(for: status))"
    }

    /// `Patient/1/_history/2`, relative to the base, as `response.location`.
    static func location(_ stored: StoredResource) -> String {
        "\(stored.type)/\(stored.id)/_history/\(stored.versionId)"
    }

    static func response(status: Int, stored: StoredResource?, outcome: FHIRElement? = nil) -> Model.Entry.Response {
        Model.Entry.Response(
            status: FHIRString(statusText(status)),
            location: stored.map { FHIRUri(location($0)) },
            etag: stored.map { FHIRString("W/\"\($0.versionId)\"") },
            lastModified: stored.map { FHIRInstant($0.lastUpdated.fhirInstant) },
            outcome: outcome.map { AnyResource.other($0) })
    }

    static func entry(
        fullUrl: String? = nil, resource: FHIRElement? = nil, search: String? = nil,
        request: Model.Entry.Request? = nil, response: Model.Entry.Response? = nil
    ) -> Model.Entry {
        Model.Entry(
            fullUrl: fullUrl.map { FHIRUri($0) }, resource: resource.map { AnyResource.other($0) },
            search: search.map { Model.Entry.Search(mode: FHIRCode($0)) }, request: request, response: response)
    }

    static func bundle(type: String, total: Int? = nil, links: [(String, String)] = [], entries: [Model.Entry]) -> FHIRElement {
        Model(
            type: FHIRCode(type), timestamp: FHIRInstant(StoreTimestamp.now().fhirInstant),
            total: total.map { FHIRUnsignedInt($0) },
            link: links.map { Model.Link(relation: FHIRString($0.0), url: FHIRUri($0.1)) },
            entry: entries
        ).element()
    }
}
