import Foundation
import GatewayCrypto
import GatewayStore
import HTTPServer

/// SMART Backend Services on the inbound side (hl7.org/fhir/smart-app-launch/backend-services.html):
/// `GET [base]/.well-known/smart-configuration` says how to get a token, and `POST /auth/token`
/// exchanges a client assertion signed with one of the client's registered keys
/// (`ClientAssertionVerifier`) for a short-lived bearer token.
///
/// The assertion's `jti` and the issued token's SHA-256 go into the store in one unit of work,
/// so a replay is refused by every process on the store and a token works on each of them.
/// Granted scopes are those requested that the registration allows (`APIClient.grant`). Every
/// token issued or refused is audited (`token`, the client, the reason), never the assertion
/// or the token. Answers are RFC 6749 §5.1/§5.2 JSON with `Cache-Control: no-store`.
///
/// `/auth/authorize` exists because R4's `oauth-uris` extension requires an authorization
/// endpoint beside the token endpoint; it supports no response type (there is no user to ask),
/// and says so with RFC 6749's `unsupported_response_type`, without redirecting anywhere.
public struct TokenEndpoint: APIMiddleware {
    public static let path = "/auth/token"
    public static let authorizePath = "/auth/authorize"
    static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    let clients: ClientRegistry
    let store: any GatewayStore
    let basePath: String
    /// Where the FHIR base is, as the API works it out (its URL decides the token URL).
    private let location: FHIRAPIConfiguration
    /// Seconds an access token lives (SMART recommends no more than five minutes).
    let tokenLifetime: Int64
    let log: @Sendable (String) -> Void

    public init(
        clients: ClientRegistry, store: any GatewayStore, basePath: String = "/fhir", publicBaseURL: String? = nil,
        tokenLifetime: Int64 = 300, log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.clients = clients
        self.store = store
        self.basePath = basePath
        self.location = FHIRAPIConfiguration(basePath: basePath, publicBaseURL: publicBaseURL)
        self.tokenLifetime = tokenLifetime
        self.log = log
    }

    public func respond(to request: HTTPRequest, context: RequestContext, next: APINext) async -> HTTPResponse {
        switch request.path {
        case Self.path:
            guard request.method == "POST" else {
                return HTTPResponse(status: 405, headers: ["Allow": "POST"], body: [])
            }
            return await token(request)
        case Self.authorizePath:
            return Self.json(400, [
                "error": "unsupported_response_type",
                "error_description": "this server issues tokens only for the client_credentials grant (SMART Backend Services) at \(Self.path)",
            ])
        case basePath + "/.well-known/smart-configuration":
            guard request.method == "GET" || request.method == "HEAD" else {
                return HTTPResponse(status: 405, headers: ["Allow": "GET"], body: [])
            }
            return Self.json(200, configuration(tokenURL: tokenURL(for: request)))
        default:
            return await next(request, context)
        }
    }

    /// The SMART configuration document (§"Discovery": the members Backend Services uses).
    func configuration(tokenURL: String) -> [String: Any] {
        [
            "token_endpoint": tokenURL,
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": JWSAlgorithm.allCases.map(\.rawValue),
            "scopes_supported": Self.scopesSupported,
            "capabilities": ["client-confidential-asymmetric", "permission-v1", "permission-v2"],
        ]
    }

    static let scopesSupported = ["system/*.cruds", "system/*.rs", "system/*.read", "system/*.write", "system/*.*"]

    /// The URL a client's `aud` must name: the public base's origin when one is configured,
    /// else the request's `Host` (set `--base-url` behind a proxy).
    func tokenURL(for request: HTTPRequest) -> String {
        location.url(ofPath: Self.path, besideBase: location.baseURL(hostHeader: request.headers["Host"]))
    }

    private func token(_ request: HTTPRequest) async -> HTTPResponse {
        let now = StoreTimestamp.now()
        do {
            let (issued, token) = try await issue(request, now: now)
            let body: [String: Any] = [
                "access_token": token, "token_type": "bearer", "expires_in": Int(tokenLifetime),
                "scope": issued.scopes.joined(separator: " "),
            ]
            return Self.json(200, body)
        } catch let error as TokenError {
            await audit(AuditEvent(
                time: now, actor: error.client ?? "anonymous", action: "token", outcome: String(error.status),
                detail: "\(error.code): \(error.description)"))
            return Self.json(error.status, ["error": error.code, "error_description": error.description])
        } catch {
            log("token endpoint: store error \(type(of: error))")
            return Self.json(503, ["error": "temporarily_unavailable", "error_description": "the token store could not be written"])
        }
    }

    /// Verifies the request and writes the jti, the token's hash and the audit event in one
    /// unit of work; returns the stored token and the token itself.
    private func issue(_ request: HTTPRequest, now: StoreTimestamp) async throws -> (IssuedAccessToken, String) {
        let contentType = request.headers["Content-Type"]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard contentType == "application/x-www-form-urlencoded" else {
            throw TokenError(code: "invalid_request", description: "the body must be application/x-www-form-urlencoded")
        }
        let form = QueryParameters(String(decoding: request.body, as: UTF8.self))
        for name in ["grant_type", "client_assertion_type", "client_assertion", "scope"] where form.values(name).count > 1 {
            throw TokenError(code: "invalid_request", description: "\(name) is given more than once")
        }
        guard form.first("grant_type") == "client_credentials" else {
            throw TokenError(code: "unsupported_grant_type", description: "grant_type must be client_credentials")
        }
        guard form.first("client_assertion_type") == Self.assertionType, let assertion = form.first("client_assertion") else {
            throw TokenError(code: "invalid_request", description: "client_assertion_type must be \(Self.assertionType), with a client_assertion")
        }
        let verified = try ClientAssertionVerifier(registry: clients).verify(assertion, audience: tokenURL(for: request), now: now)
        let client = verified.client
        guard let scopeText = form.first("scope"), !scopeText.isEmpty else {
            throw TokenError(code: "invalid_scope", description: "scope is required (e.g. system/Patient.rs)", client: client.name)
        }
        var requested: [SMARTScope] = []
        for text in scopeText.split(separator: " ") {
            // Scopes of other kinds (openid, launch) mean nothing here and are not granted.
            guard text.hasPrefix("system/") else { continue }
            guard let scope = SMARTScope(String(text)) else {
                throw TokenError(code: "invalid_scope", description: "a requested system/ scope is malformed", client: client.name)
            }
            requested.append(scope)
        }
        let granted = client.grant(requested)
        guard !granted.isEmpty else {
            throw TokenError(code: "invalid_scope", description: "none of the requested scopes is registered for this client", client: client.name)
        }
        let token = Base64URL.encode(SecureRandom.bytes(32))
        let issued = IssuedAccessToken(
            tokenSHA256: SHA256Digest.hash(Array(token.utf8)).hex, client: client.name, scopes: granted.map(\.description),
            issuedAt: now, expiresAt: StoreTimestamp(microsecondsSinceEpoch: now.microsecondsSinceEpoch + tokenLifetime * 1_000_000))
        let event = AuditEvent(
            time: now, actor: client.name, action: "token", outcome: "200",
            detail: "issued for \(tokenLifetime) s: \(issued.scopes.joined(separator: " "))")
        let (jti, expiry) = (verified.jti, verified.expiresAt)
        let recorded = try await store.writeAsync { transaction -> Bool in
            guard try transaction.recordAssertion(client: client.name, jti: jti, expiresAt: expiry) else { return false }
            try transaction.saveAccessToken(issued)
            try transaction.appendAudit(event)
            return true
        }
        guard recorded else { throw TokenError.invalidClient("this assertion's jti was used already", client: client.name) }
        return (issued, token)
    }

    private func audit(_ event: AuditEvent) async {
        do {
            _ = try await store.writeAsync { try $0.appendAudit(event) }
        } catch {
            log("audit write failed: token \(event.outcome): \(type(of: error))")
        }
    }

    static func json(_ status: Int, _ object: [String: Any]) -> HTTPResponse {
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return HTTPResponse(
            status: status,
            headers: ["Content-Type": "application/json", "Cache-Control": "no-store", "Pragma": "no-cache"],
            body: Array(body))
    }
}
