import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The HTTP requests of the delivery profiles. Every request states its `Content-Type`
/// (URLSession would send a POST as form data otherwise) and asks for FHIR JSON back.
enum DeliveryRequest {
    static let fhirJSON = "application/fhir+json"

    /// The create that carries the payload, as the route's profile wants it.
    static func create(_ payload: OutboundPayload, messageID: String, route: EndpointRoute, deadline: Duration) -> URLRequest {
        var request: URLRequest
        switch route.profile {
        case .transaction:
            request = URLRequest(url: route.url(""))
            request.httpBody = payload.transactionBundle(fullUrl: UUID(uuidString: messageID).map { "urn:uuid:" + $0.uuidString.lowercased() })
        case .rest:
            request = URLRequest(url: route.url(payload.resourceType))
            request.httpBody = payload.json
            let value = payload.resource.children("identifier")
                .first { $0.child("system")?.value == OutboundIdentifier.system }?.child("value")?.value ?? ""
            request.setValue(OutboundIdentifier.conditionalQuery(value), forHTTPHeaderField: "If-None-Exist")
        case .note, .communication:
            request = URLRequest(url: route.url(payload.resourceType))
            request.httpBody = payload.json
        }
        request.httpMethod = "POST"
        request.setValue(fhirJSON + "; charset=utf-8", forHTTPHeaderField: "Content-Type")
        request.setValue(fhirJSON, forHTTPHeaderField: "Accept")
        request.setValue("return=minimal", forHTTPHeaderField: "Prefer")
        request.timeoutInterval = idleTimeout(deadline)
        return request
    }

    /// `GET [base]/[type]?identifier=<system>|<value>`: does the receiver already have it?
    static func search(type: String, identifierValue: String, route: EndpointRoute, deadline: Duration) -> URLRequest {
        var components = URLComponents(url: route.url(type), resolvingAgainstBaseURL: false)
        components?.queryItems = [URLQueryItem(name: "identifier", value: OutboundIdentifier.system + "|" + identifierValue)]
        // `URLQueryItem` leaves `|` alone; some servers need it encoded.
        let encoded = components?.percentEncodedQuery?.replacingOccurrences(of: "|", with: "%7C")
        components?.percentEncodedQuery = encoded
        var request = URLRequest(url: components?.url ?? route.url(type))
        request.httpMethod = "GET"
        request.setValue(fhirJSON, forHTTPHeaderField: "Accept")
        request.timeoutInterval = idleTimeout(deadline)
        return request
    }

    /// URLSession's own (idle) timeout, a backstop well behind our deadline: at one second behind
    /// it, a loaded machine that ran our timer late let URLSession's fire first, and the attempt
    /// was recorded as "timed out" rather than as past the attempt deadline.
    private static func idleTimeout(_ deadline: Duration) -> TimeInterval {
        (2 * Double(deadline.components.seconds) + 5).rounded(.up)
    }
}

/// What a search for the stable identifier found.
enum SearchResult: Sendable, Hashable {
    case found(remoteId: String)
    case notFound
    case failed(reason: String)

    static func read(_ result: TransportResult, type: String) -> SearchResult {
        guard case .response(let response) = result else {
            if case .failure(let failure) = result { return .failed(reason: "search: " + failure.description) }
            return .failed(reason: "search failed")
        }
        guard response.status == 200 else {
            return .failed(reason: "search: HTTP \(response.status)" + ResponseInterpreter.operationOutcomeSuffix(response.body))
        }
        struct Searchset: Decodable {
            struct Entry: Decodable {
                struct Resource: Decodable {
                    struct Meta: Decodable { var versionId: String? }
                    var resourceType: String?
                    var id: String?
                    var meta: Meta?
                }
                var resource: Resource?
                var search: [String: String]?
            }
            var resourceType: String?
            var total: Int?
            var entry: [Entry]?
        }
        guard let bundle = try? JSONDecoder().decode(Searchset.self, from: response.body), bundle.resourceType == "Bundle" else {
            return .failed(reason: "search: the answer is not a Bundle")
        }
        let matches = (bundle.entry ?? []).compactMap(\.resource).filter { ($0.resourceType ?? type) == type }
        guard let first = matches.first else {
            return (bundle.total ?? 0) > 0 ? .failed(reason: "search: total without entries") : .notFound
        }
        let id = first.id.map { type + "/" + $0 + (first.meta?.versionId.map { "/_history/" + $0 } ?? "") }
        return .found(remoteId: id ?? type)
    }
}
