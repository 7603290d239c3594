import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Supplies `Authorization` for a route: a static bearer token, or an OAuth 2.0 client
/// credentials token (with a secret, or with a SMART Backend Services JWT assertion) cached
/// until shortly before it expires.
///
/// One per process (or per worker pool): tokens are shared by every endpoint of the same
/// authorisation server and client.
public actor ReceiverAuthenticator {
    struct CachedToken {
        var value: String
        var expiresAt: ContinuousClock.Instant
    }

    private let client: DeliveryClient
    private let deadline: Duration
    /// Refresh this long before the server's `expires_in` runs out.
    private let expirySkew: Duration
    private var tokens: [String: CachedToken] = [:]
    /// Tokens fetched so far, for tests and metrics.
    public private(set) var tokenRequests = 0

    public init(client: DeliveryClient = .shared, deadline: Duration = .seconds(20), expirySkew: Duration = .seconds(30)) {
        self.client = client
        self.deadline = deadline
        self.expirySkew = expirySkew
    }

    /// The header value, or nil for `.none`. Throws `AuthenticationFailure` when no token
    /// could be had (the message was not sent: retry later).
    func authorization(for authentication: ReceiverAuthentication) async throws(AuthenticationFailure) -> String? {
        switch authentication {
        case .none: return nil
        case .bearer(let token): return "Bearer " + token
        case .clientCredentials, .smartBackendServices:
            guard let key = Self.cacheKey(authentication) else { return nil }
            if let cached = tokens[key], ContinuousClock.now < cached.expiresAt {
                return "Bearer " + cached.value
            }
            let token = try await fetchToken(try Self.tokenRequest(authentication))
            tokens[key] = token
            return "Bearer " + token.value
        }
    }

    /// Forgets a token the receiver refused (401), so the next call fetches a new one.
    /// Returns whether there was a fetched token to forget (a static token cannot be renewed).
    func invalidate(_ authentication: ReceiverAuthentication) -> Bool {
        guard let key = Self.cacheKey(authentication) else { return false }
        return tokens.removeValue(forKey: key) != nil
    }

    /// One token per kind of grant, authorisation server, client and scope; nil for credentials
    /// that are not fetched.
    static func cacheKey(_ authentication: ReceiverAuthentication) -> String? {
        switch authentication {
        case .none, .bearer: nil
        case .clientCredentials(let credentials): "secret " + credentials.cacheKey
        case .smartBackendServices(let client): "jwt " + client.cacheKey
        }
    }

    /// The token request (RFC 6749 §4.4.2): with client_secret_basic (§2.3.1: id and secret
    /// form-encoded, then Basic) for client credentials; with a signed JWT client assertion
    /// (RFC 7523 §2.2, SMART Backend Services) instead of a secret for SMART.
    static func tokenRequest(_ authentication: ReceiverAuthentication) throws(AuthenticationFailure) -> URLRequest {
        var fields = [("grant_type", "client_credentials")]
        let url: URL
        var basic: String?
        switch authentication {
        case .none, .bearer:
            throw AuthenticationFailure("no token to fetch for this authentication")
        case .clientCredentials(let credentials):
            url = credentials.tokenURL
            basic = formEncode(credentials.clientID) + ":" + formEncode(credentials.clientSecret)
            if let scope = credentials.scope { fields.append(("scope", scope)) }
        case .smartBackendServices(let client):
            url = client.tokenURL
            fields.append(("scope", client.scope))
            fields.append(("client_assertion_type", ClientAssertion.type))
            fields.append(("client_assertion", try ClientAssertion.make(for: client, now: Date())))
        }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let basic { request.setValue("Basic " + Data(basic.utf8).base64EncodedString(), forHTTPHeaderField: "Authorization") }
        request.httpBody = Data(fields.map { $0.0 + "=" + formEncode($0.1) }.joined(separator: "&").utf8)
        return request
    }

    /// Posts the token request and reads the bearer token and its lifetime (RFC 6749 §5.1).
    private func fetchToken(_ request: URLRequest) async throws(AuthenticationFailure) -> CachedToken {
        tokenRequests += 1
        let started = ContinuousClock.now
        let result = await client.perform(request, deadline: deadline)
        guard case .response(let response) = result else {
            if case .failure(let failure) = result { throw AuthenticationFailure("token request: " + failure.description) }
            throw AuthenticationFailure("token request failed")
        }
        guard response.status == 200 else { throw AuthenticationFailure("token request: HTTP \(response.status)") }
        struct TokenResponse: Decodable {
            var access_token: String
            var token_type: String?
            var expires_in: Double?
        }
        guard let token = try? JSONDecoder().decode(TokenResponse.self, from: response.body), !token.access_token.isEmpty,
              token.token_type.map({ $0.caseInsensitiveCompare("bearer") == .orderedSame }) ?? true
        else { throw AuthenticationFailure("token response is not a bearer token") }
        let lifetime = Duration.milliseconds(Int64(max(0, token.expires_in ?? 300) * 1000))
        return CachedToken(value: token.access_token, expiresAt: started + max(.zero, lifetime - expirySkew))
    }

    /// `application/x-www-form-urlencoded` for one value.
    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text).replacingOccurrences(of: "%20", with: "+")
    }
}

/// No credentials could be obtained. Never carries a secret.
struct AuthenticationFailure: Error, Sendable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
