import Foundation

/// How the gateway proves who it is to one receiver.
///
/// Secrets live in configuration, never in the endpoint URL (`EndpointTarget` refuses URLs with
/// credentials). Descriptions never print a secret.
public enum ReceiverAuthentication: Sendable, Hashable, CustomStringConvertible {
    case none
    /// A static token sent as `Authorization: Bearer <token>`.
    case bearer(String)
    /// OAuth 2.0 client credentials (RFC 6749 §4.4): a token from `tokenURL`, cached until it
    /// expires and fetched again once when the receiver answers 401.
    case clientCredentials(OAuthClientCredentials)

    public var description: String {
        switch self {
        case .none: "none"
        case .bearer: "bearer (static token)"
        case .clientCredentials(let credentials): "OAuth client credentials (\(credentials.tokenURL.absoluteString))"
        }
    }
}

/// A client registered with a receiver's authorisation server.
public struct OAuthClientCredentials: Sendable, Hashable {
    public var tokenURL: URL
    public var clientID: String
    public var clientSecret: String
    /// Space-separated scopes, e.g. `system/DocumentReference.write`; nil sends none.
    public var scope: String?

    public init(tokenURL: URL, clientID: String, clientSecret: String, scope: String? = nil) {
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scope = scope
    }

    /// The cache key: one token per authorisation server, client and scope.
    var cacheKey: String { tokenURL.absoluteString + " " + clientID + " " + (scope ?? "") }
}
