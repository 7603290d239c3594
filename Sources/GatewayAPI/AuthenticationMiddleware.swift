import FHIRCore
import GatewayCrypto
import GatewayStore
import HTTPServer

/// Bearer tokens (RFC 6750) and SMART `system/` scopes for every request under the FHIR base
/// except `/metadata`. A token is a client's static one (`ClientRegistry`) or one the token
/// endpoint issued (`IssuedTokens`), which carries the scopes granted then and stops working
/// when it expires (401 `invalid_token`).
///
/// No token, or one no client has: 401 with `WWW-Authenticate: Bearer` and an OperationOutcome
/// (`login`). A known client without the scope the interaction needs on the resource type: 403
/// (`forbidden`); a transaction or batch needs the scopes of every entry, and the 403 names each
/// entry that lacks one. Nothing is read or written for a refused request. Neither the token
/// nor its hash is ever logged or echoed.
public struct AuthenticationMiddleware: APIMiddleware {
    let clients: ClientRegistry
    let basePath: String
    /// nil: only static tokens (no store to look issued ones up in).
    let issued: IssuedTokens?

    public init(clients: ClientRegistry, basePath: String = "/fhir", store: (any GatewayStore)? = nil) {
        self.clients = clients
        self.basePath = basePath
        self.issued = store.map(IssuedTokens.init)
    }

    public func respond(to request: HTTPRequest, context: RequestContext, next: APINext) async -> HTTPResponse {
        await RequestObservation.within(request, basePath: basePath) { observation in
            let access = observation.access
            if access.isPublic { return await next(request, context) }
            guard let token = Self.bearerToken(request.headers) else {
                return Self.unauthorized(request, error: nil, "this endpoint needs an Authorization: Bearer token")
            }
            let client: APIClient
            switch await authenticate(token) {
            case .client(let found): client = found
            case .refused(let message): return Self.unauthorized(request, error: "invalid_token", message)
            case .unavailable:
                return APICall.refusal(
                    for: request, APIError(503, [Issue(.error, .transient, "the token store cannot be read; try again")],
                                           headers: ["Retry-After": "1"]))
            }
            observation.client = client.name
            observation.authenticated = client
            let missing = access.needs.filter { !client.allows($0) }
            guard missing.isEmpty else { return Self.forbidden(request, missing: missing) }
            return await next(request, context)
        }
    }

    enum Authentication {
        case client(APIClient)
        case refused(String)
        case unavailable
    }

    /// The static token's client, else the client an issued, unexpired token was granted to,
    /// holding only the scopes granted.
    func authenticate(_ token: String) async -> Authentication {
        if let client = clients.authenticate(token: token) { return .client(client) }
        guard let issued else { return .refused("the bearer token is not valid") }
        let found: IssuedAccessToken?
        do {
            found = try await issued.token(sha256: SHA256Digest.hash(Array(token.utf8)).hex)
        } catch {
            return .unavailable
        }
        guard let found, let registered = clients.client(named: found.client) else { return .refused("the bearer token is not valid") }
        guard found.expiresAt > StoreTimestamp.now() else { return .refused("the access token has expired") }
        return .client(registered.holding(found.scopes.compactMap(SMARTScope.init)))
    }

    /// The token of `Authorization: Bearer <token>` (the scheme is case-insensitive, RFC 9110
    /// §11.1); nil for any other scheme, an empty token, or several Authorization fields.
    static func bearerToken(_ headers: HTTPHeaders) -> String? {
        let values = headers.values(for: "Authorization")
        guard values.count == 1 else { return nil }
        let value = values[0].trimmingCharacters(in: .whitespaces)
        guard value.count > 7, value.prefix(7).lowercased() == "bearer " else { return nil }
        let token = value.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty || token.contains(" ") ? nil : token
    }

    static func unauthorized(_ request: HTTPRequest, error: String?, _ message: String) -> HTTPResponse {
        var challenge = #"Bearer realm="fhir""#
        if let error { challenge += #", error="\#(error)""# }
        return APICall.refusal(
            for: request, APIError(401, [Issue(.error, .login, message)], headers: ["WWW-Authenticate": challenge]))
    }

    static func forbidden(_ request: HTTPRequest, missing: [AccessNeed]) -> HTTPResponse {
        let issues = missing.map { need -> Issue in
            if let index = need.entryIndex {
                return Issue(
                    .error, .forbidden, "Bundle.entry[\(index)] (\(need.method ?? "?") \(need.resourceType)) needs \(need.scopeText)",
                    expression: "Bundle.entry[\(index)]")
            }
            return Issue(.error, .forbidden, "this client's scopes do not include \(need.scopeText)")
        }
        let scopes = missing.map(\.scopeText).filter { $0.hasPrefix("system/") }.joined(separator: " ")
        return APICall.refusal(
            for: request,
            APIError(403, issues, headers: ["WWW-Authenticate": #"Bearer realm="fhir", error="insufficient_scope", scope="\#(scopes)""#]))
    }
}

extension APICall {
    /// An OperationOutcome for a request refused before routing, in the format it negotiates
    /// (JSON when it negotiates none).
    static func refusal(for request: HTTPRequest, _ error: APIError) -> HTTPResponse {
        let parameters = QueryParameters(request.query)
        let requestFormat = ContentNegotiation.requestFormat(contentType: request.headers["Content-Type"])
        let media = ContentNegotiation.responseType(
            format: parameters.first("_format"), accept: request.headers["Accept"], requestFormat: requestFormat) ?? .fhirJSON
        let call = APICall(
            request: request, parameters: parameters, media: media, prefer: PreferHeader(request.headers), baseURL: "",
            pretty: false)
        return call.outcome(error)
    }
}

import Foundation
