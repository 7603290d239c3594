import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Supplies `Authorization` for a route: a static bearer token, or an OAuth 2.0 client
/// credentials token cached until shortly before it expires.
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
        case .clientCredentials(let credentials):
            if let cached = tokens[credentials.cacheKey], ContinuousClock.now < cached.expiresAt {
                return "Bearer " + cached.value
            }
            let token = try await fetchToken(credentials)
            tokens[credentials.cacheKey] = token
            return "Bearer " + token.value
        }
    }

    /// Forgets a token the receiver refused (401), so the next call fetches a new one.
    /// Returns whether there was a fetched token to forget (a static token cannot be renewed).
    func invalidate(_ authentication: ReceiverAuthentication) -> Bool {
        guard case .clientCredentials(let credentials) = authentication else { return false }
        return tokens.removeValue(forKey: credentials.cacheKey) != nil
    }

    /// RFC 6749 §4.4.2 with client_secret_basic (§2.3.1: id and secret form-encoded, then Basic).
    private func fetchToken(_ credentials: OAuthClientCredentials) async throws(AuthenticationFailure) -> CachedToken {
        tokenRequests += 1
        var request = URLRequest(url: credentials.tokenURL)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let basic = Self.formEncode(credentials.clientID) + ":" + Self.formEncode(credentials.clientSecret)
        request.setValue("Basic " + Data(basic.utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        var form = "grant_type=client_credentials"
        if let scope = credentials.scope { form += "&scope=" + Self.formEncode(scope) }
        request.httpBody = Data(form.utf8)
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
