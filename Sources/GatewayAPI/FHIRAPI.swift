import FHIRCore
import FHIRJSON
import FHIRValidation
import Foundation
import GatewayCrypto
import GatewayIntake
import GatewayStore
import HTTPServer

/// The FHIR R4 REST API of the gateway on an ``HTTPResponder``, for every R4 resource type:
/// transaction and batch Bundles at the base, create (with `If-None-Exist`), update (with
/// `If-Match`, and conditional), patch (JSON Patch), delete (and conditional), read, vread,
/// history (instance, type, system), search, `$validate` and `/metadata`.
///
/// Every accepted write is read, validated, mapped and committed, with its domain rows, in one
/// store unit of work before the response is sent (ARCHITECTURE.md: an acknowledged request has
/// been committed). Store work runs through `readAsync`/`writeAsync`, never on a cooperative
/// thread. Every error is an OperationOutcome; an internal one carries only an incident id,
/// which is logged with the cause.
///
/// Requests pass through `middleware` (authentication, audit) before they are routed.
public struct FHIRAPI: HTTPResponder {
    public let configuration: FHIRAPIConfiguration
    let store: any GatewayStore
    let intake: Intake
    let capability: CapabilityDocument
    let middleware: [any APIMiddleware]
    let indexReadiness = IndexReadiness()

    /// - Parameters:
    ///   - capabilityStatement: the CapabilityStatement in `Profiles/`; `/metadata` serves it as
    ///     this instance's statement, and its resource types and search parameters are what the
    ///     API offers. nil: the types the IOP maps, with every search parameter the gateway indexes.
    public init(
        store: any GatewayStore, intake: Intake, capabilityStatement: FHIRElement? = nil,
        configuration: FHIRAPIConfiguration = FHIRAPIConfiguration(), middleware: [any APIMiddleware] = []
    ) {
        self.store = store
        self.intake = intake
        self.configuration = configuration
        self.capability = CapabilityDocument(statement: capabilityStatement, configuration: configuration)
        self.middleware = middleware
    }

    public func respond(to request: HTTPRequest, context: RequestContext) async -> HTTPResponse {
        let route: APINext = { request, _ in await self.handle(request) }
        let chain = middleware.reversed().reduce(route) { next, step in
            { request, context in await step.respond(to: request, context: context, next: next) }
        }
        return await chain(request, context)
    }

    /// Renders issues as an OperationOutcome response in the format the request negotiates
    /// (JSON when it negotiates none): for middleware that refuses a request, e.g. with 401.
    public func outcomeResponse(status: Int, issues: [Issue], for request: HTTPRequest) -> HTTPResponse {
        makeCall(request)?.outcome(APIError(status, issues)) ?? APICall.fallback(request).outcome(APIError(status, issues))
    }

    private func makeCall(_ request: HTTPRequest) -> APICall? {
        let parameters = QueryParameters(request.query)
        let requestFormat = ContentNegotiation.requestFormat(contentType: request.headers["Content-Type"])
        guard let media = ContentNegotiation.responseType(
            format: parameters.first("_format"), accept: request.headers["Accept"], requestFormat: requestFormat)
        else { return nil }
        return APICall(
            request: request, parameters: parameters, media: media, prefer: PreferHeader(request.headers),
            baseURL: baseURL(for: request), pretty: parameters.first("_pretty") == "true")
    }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        guard let call = makeCall(request) else {
            return APICall.fallback(request).outcome(APIError(
                406, .notSupported,
                "no media type in Accept or _format can be produced: use application/fhir+json or application/fhir+xml"))
        }
        do {
            return try await dispatch(call)
        } catch {
            return respond(to: error, call: call)
        }
    }

    /// The response for anything a handler threw.
    func respond(to error: any Error, call: APICall) -> HTTPResponse {
        call.outcome(apiError(for: error, call: call))
    }

    /// What a client is told about an error: its own status and issues when it is the client's
    /// to act on, else 500 with an incident id (see ``incident(_:call:)``).
    func apiError(for error: any Error, call: APICall) -> APIError {
        switch error {
        case let error as APIError where error.status < 500 || error.status == 503:
            return error
        case let error as IntakeError:
            let apiError = APIError(error)
            if apiError.status < 500 || apiError.status == 503 { return apiError }
        case let error as StoreError:
            if let apiError = APIError.from(error) { return apiError }
        case let error as IdentityHold:
            // A client cannot be promised that a held write proceeds later, so it is refused:
            // 409, naming both participants by id and the fields (README, "Identity").
            return APIError(409, [error.issue])
        default:
            break
        }
        return incident(error, call: call)
    }

    /// 500 with a generic message and an incident id; the cause goes to the log only, so no
    /// SQL, path or stack detail ever reaches a client.
    func incident(_ error: any Error, call: APICall) -> APIError {
        let id = SecureRandom.bytes(8).map { String(format: "%02x", $0) }.joined()
        configuration.log("incident \(id): \(call.request.method) \(call.request.path): \(String(reflecting: error))")
        return APIError(500, .exception, "internal error; incident \(id) has been logged for the operator")
    }

    func dispatch(_ call: APICall) async throws -> HTTPResponse {
        guard let route = FHIRRoute(path: call.request.path, basePath: configuration.basePath) else {
            throw APIError(404, .notFound, "no FHIR endpoint at this path")
        }
        let method = call.request.method == "HEAD" ? "GET" : call.request.method
        switch (route, method) {
        case (.base, "POST"): return try await bundle(call)
        case (.metadata, "GET"): return call.resource(capability.statement(at: call.baseURL), status: 200)
        case (.type(let type), "GET"): return try await search(type: try known(type), parameters: call.parameters, call: call)
        case (.type(let type), "POST"): return try await create(type: try known(type), call: call)
        case (.type(let type), "PUT"): return try await conditionalUpdate(type: try known(type), call: call)
        case (.type(let type), "DELETE"): return try await conditionalDelete(type: try known(type), call: call)
        case (.typeOperation(let type, "_search"), "POST"):
            return try await search(type: try known(type), parameters: try call.formParameters(), call: call)
        case (.typeOperation(let type, "$validate"), "POST"): return try await validate(type: try known(type), call: call)
        case (.instance(let type, let id), "GET"): return try await read(type: try known(type), id: try valid(id), call: call)
        case (.instance(let type, let id), "PUT"): return try await update(type: try known(type), id: try valid(id), call: call)
        case (.instance(let type, let id), "PATCH"): return try await patch(type: try known(type), id: try valid(id), call: call)
        case (.instance(let type, let id), "DELETE"): return try await delete(type: try known(type), id: try valid(id), call: call)
        case (.instanceOperation(let type, let id, "$validate"), "POST"):
            _ = try valid(id)
            return try await validate(type: try known(type), call: call)
        case (.history(let type, let id), "GET"): return try await history(type: try known(type), id: try valid(id), call: call)
        case (.typeHistory(let type), "GET"): return try await typeHistory(type: try known(type), call: call)
        case (.systemHistory, "GET"): return try await typeHistory(type: nil, call: call)
        case (.version(let type, let id, let version), "GET"):
            guard let versionId = Int(version), versionId > 0 else {
                throw APIError(404, .notFound, "no such version")
            }
            return try await vread(type: try known(type), id: try valid(id), versionId: versionId, call: call)
        case (.typeOperation(_, let name), _), (.instanceOperation(_, _, let name), _):
            if name != "$validate" && name != "_search" {
                throw APIError(404, .notSupported, "this server offers no such operation")
            }
            fallthrough
        default:
            var error = APIError(405, .notSupported, "\(call.request.method) is not offered here")
            error.headers.add(name: "Allow", value: route.allowedMethods.joined(separator: ", "))
            throw error
        }
    }

    /// Any R4 resource type: every one is served (the IOP's own types also go through its
    /// profiles, mapping and triggers); anything else is 404.
    func known(_ type: String) throws(APIError) -> String {
        guard TypeCatalogue.r4.resourceContextID(forName: type) != nil else {
            throw APIError(404, .notSupported, "not an R4 resource type")
        }
        return type
    }

    func valid(_ id: String) throws(APIError) -> String {
        guard FHIRRoute.isValidID(id) else { throw APIError(400, .value, "not a valid FHIR id") }
        return id
    }

    /// The absolute base for links: the configured one, else the request's `Host`.
    private func baseURL(for request: HTTPRequest) -> String {
        configuration.baseURL(hostHeader: request.headers["Host"])
    }
}
