import Foundation
import GatewayCrypto

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
    /// SMART Backend Services: client credentials where the client proves itself with a JWT
    /// signed by its private key (RS384 or ES384) instead of a secret; cached and refreshed
    /// like `clientCredentials`.
    case smartBackendServices(SMARTBackendServices)

    public var description: String {
        switch self {
        case .none: "none"
        case .bearer: "bearer (static token)"
        case .clientCredentials(let credentials): "OAuth client credentials (\(credentials.tokenURL.absoluteString))"
        case .smartBackendServices(let client):
            "SMART Backend Services (\(client.signer.algorithm.rawValue), \(client.tokenURL.absoluteString))"
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

/// A client registered with an EHR's authorisation server for SMART Backend Services
/// (hl7.org/fhir/smart-app-launch/backend-services.html): the server holds our public key (in
/// a JWK Set, under `keyID`); we hold the private key.
public struct SMARTBackendServices: Sendable, Hashable {
    public var tokenURL: URL
    public var clientID: String
    /// The `kid` of our key in the JWK Set the server knows.
    public var keyID: String
    /// Space-separated system scopes, e.g. `system/Communication.write` (required by SMART).
    public var scope: String
    public let signer: JWSSigner

    public init(tokenURL: URL, clientID: String, keyID: String, scope: String, signer: JWSSigner) {
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.keyID = keyID
        self.scope = scope
        self.signer = signer
    }

    /// Loads the private key (PEM) for `algorithm`; fails, without echoing the key, when it
    /// cannot sign with it (see `JWSSigner`).
    public init(
        tokenURL: URL, clientID: String, keyID: String, scope: String, privateKeyPEM: String, algorithm: JWSAlgorithm
    ) throws(JWSSigningError) {
        self.init(tokenURL: tokenURL, clientID: clientID, keyID: keyID, scope: scope,
                  signer: try JWSSigner(privateKeyPEM: privateKeyPEM, algorithm: algorithm))
    }

    /// Same server, client, key id, scope and the same loaded key.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.tokenURL == rhs.tokenURL && lhs.clientID == rhs.clientID && lhs.keyID == rhs.keyID && lhs.scope == rhs.scope
            && lhs.signer === rhs.signer
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(tokenURL)
        hasher.combine(clientID)
        hasher.combine(keyID)
        hasher.combine(scope)
        hasher.combine(ObjectIdentifier(signer))
    }

    var cacheKey: String { tokenURL.absoluteString + " " + clientID + " " + scope }
}
