import FHIRCore
import FHIRJSON
import FHIRXML
import Foundation
import GatewayStore
import HTTPServer

/// One request as the handlers see it: the parsed query, the negotiated response type, the
/// `Prefer` header and the absolute base for links; and the ways to answer it.
struct APICall: Sendable {
    let request: HTTPRequest
    let parameters: QueryParameters
    let media: ResponseMediaType
    let prefer: PreferHeader
    let baseURL: String
    let pretty: Bool

    /// For answers when negotiation itself failed: JSON.
    static func fallback(_ request: HTTPRequest) -> APICall {
        APICall(request: request, parameters: QueryParameters(nil), media: .fhirJSON,
                prefer: PreferHeader(request.headers), baseURL: "", pretty: false)
    }

    // MARK: Request bodies

    /// The body's declared format: 415 when `Content-Type` is absent or not a FHIR type, 413
    /// when the body is over the limit.
    func bodyFormat(limit: Int) throws(APIError) -> ResourceFormat {
        guard request.body.count <= limit else {
            throw APIError(413, .tooLong, "the request body is larger than the limit of \(limit) bytes")
        }
        guard let format = ContentNegotiation.requestFormat(contentType: request.headers["Content-Type"]) else {
            throw APIError(415, .notSupported,
                           "Content-Type must be application/fhir+json or application/fhir+xml (or application/json, application/xml)")
        }
        let detected = InputFormat.detect(request.body)
        if detected == .unknown { throw APIError(400, .required, "the request has no body") }
        if (detected == .xml) != (format == .xml) {
            throw APIError(400, .structure, "the body is not in the format its Content-Type names")
        }
        return format
    }

    /// `POST [type]/_search`: the form body's parameters, then the URL's.
    func formParameters() throws(APIError) -> QueryParameters {
        let type = request.headers["Content-Type"]?.lowercased() ?? ""
        guard request.body.isEmpty || type.hasPrefix("application/x-www-form-urlencoded") else {
            throw APIError(415, .notSupported, "_search takes an application/x-www-form-urlencoded body")
        }
        let body = QueryParameters(String(decoding: request.body, as: UTF8.self))
        return QueryParameters(items: body.items + parameters.items)
    }

    // MARK: Responses

    func encode(_ resource: FHIRElement) -> [UInt8] {
        switch media.format {
        case .json: FHIRJSONWriter(pretty: pretty).write(resource)
        case .xml: FHIRXMLWriter(pretty: pretty).write(resource)
        }
    }

    func resource(_ resource: FHIRElement, status: Int, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var headers = headers
        headers.replaceOrAdd(name: "Content-Type", value: media.contentType)
        return HTTPResponse(status: status, headers: headers, body: request.method == "HEAD" ? [] : encode(resource))
    }

    /// A stored version: its JSON body as stored when JSON is asked for (no re-encoding), else
    /// converted. `ETag` and `Last-Modified` come with it.
    func stored(_ stored: StoredResource, status: Int, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var headers = headers
        for field in Self.versionHeaders(stored) { headers.replaceOrAdd(name: field.name, value: field.value) }
        if media.format == .json && !pretty {
            headers.replaceOrAdd(name: "Content-Type", value: media.contentType)
            return HTTPResponse(status: status, headers: headers, body: request.method == "HEAD" ? [] : Array(stored.body))
        }
        guard let element = Self.element(of: stored) else {
            return HTTPResponse(status: 500, headers: headers, body: [])
        }
        return resource(element, status: status, headers: headers)
    }

    func outcome(_ error: APIError) -> HTTPResponse {
        resource(error.issues.operationOutcome(), status: error.status, headers: error.headers)
    }

    /// The answer to a write, as `Prefer` asks: the resource (default), nothing, or an
    /// OperationOutcome with the write's warnings.
    func written(_ stored: StoredResource, outcome: WriteOutcome, warnings: [Issue]) -> HTTPResponse {
        let status = outcome == .created ? 201 : 200
        var headers: HTTPHeaders = [:]
        headers.add(name: "Location", value: "\(baseURL)/\(stored.type)/\(stored.id)/_history/\(stored.versionId)")
        switch prefer.returnPreference ?? .representation {
        case .representation:
            return self.stored(stored, status: status, headers: headers)
        case .minimal:
            for field in Self.versionHeaders(stored) { headers.add(name: field.name, value: field.value) }
            return HTTPResponse(status: status, headers: headers, body: [])
        case .operationOutcome:
            for field in Self.versionHeaders(stored) { headers.add(name: field.name, value: field.value) }
            let verb = switch outcome {
            case .created: "created"
            case .matched: "not created: If-None-Exist matched this existing resource"
            case .updated: "updated"
            }
            let issues = [Issue(.information, .informational, "\(stored.type) \(verb); version \(stored.versionId)")] + warnings
            return resource(issues.operationOutcome(), status: status, headers: headers)
        }
    }

    /// What a single write did, for its status and OperationOutcome.
    enum WriteOutcome: Sendable, Hashable { case created, matched, updated }

    // MARK: Helpers

    static func versionHeaders(_ stored: StoredResource) -> HTTPHeaders {
        ["ETag": "W/\"\(stored.versionId)\"", "Last-Modified": HTTPDate.format(stored.lastUpdated)]
    }

    static func element(of stored: StoredResource) -> FHIRElement? {
        FHIRJSONReader(mode: .lenient).read(Array(stored.body)).resource
    }
}
