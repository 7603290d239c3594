import Foundation
import GatewayCrypto
import GatewayStore

/// A token request refused, as RFC 6749 §5.2 answers it: an error code and a description that
/// says which rule failed, never the assertion, a claim's value or a key.
struct TokenError: Error, Sendable, Hashable {
    /// `invalid_request`, `invalid_client`, `invalid_grant`, `unsupported_grant_type`, `invalid_scope`.
    var code: String
    var description: String
    /// The client the request named, when it is a registered one (for the audit log).
    var client: String?

    /// 401 for a client that failed to authenticate (RFC 6749 §5.2 allows it), 400 otherwise.
    var status: Int { code == "invalid_client" ? 401 : 400 }

    static func invalidClient(_ description: String, client: String? = nil) -> TokenError {
        TokenError(code: "invalid_client", description: description, client: client)
    }
}

/// A client assertion that passed every check: whose it is, and the `jti` to record until the
/// assertion expires.
struct VerifiedAssertion: Sendable {
    var client: APIClient
    var jti: String
    var expiresAt: StoreTimestamp
}

/// The checks SMART Backend Services puts on a client assertion
/// (hl7.org/fhir/smart-app-launch/backend-services.html §"Authenticating to the token endpoint",
/// RFC 7523 §3), in an order that reveals nothing before the signature is known to be good
/// beyond what the header and the client id already say:
///
/// 1. compact JWS of three base64url parts, at most `maximumBytes`;
/// 2. header: `alg` RS384 or ES384 only (`none`, `HS*` and everything else refused: no key
///    here is a shared secret), `typ` `JWT` when present, `kid` present;
/// 3. `iss` = `sub` = a registered client that has keys; the key with that `kid` and algorithm
///    (so an RSA key never checks an EC signature, nor the other way round) verifies the
///    signature (libcrypto);
/// 4. `aud` is (or contains) this token endpoint's URL; `exp` is in the future and at most
///    `maximumLifetime` ahead; `iat` and `nbf`, when present, not in the future beyond
///    `clockSkew`; `jti` present (the caller records it, refusing a replay).
struct ClientAssertionVerifier: Sendable {
    let registry: ClientRegistry
    var maximumLifetime: Int64 = 300
    var clockSkew: Int64 = 60
    static let maximumBytes = 16 << 10

    /// A refusal names the registered client the assertion claims to come from (its `iss`),
    /// verified or not, so the audit log shows whose name was used.
    func verify(_ assertion: String, audience: String, now: StoreTimestamp) throws(TokenError) -> VerifiedAssertion {
        do {
            return try check(assertion, audience: audience, now: now)
        } catch {
            var refusal = error
            if refusal.client == nil { refusal.client = Self.claimedClient(assertion).flatMap { registry.client(named: $0)?.name } }
            throw refusal
        }
    }

    /// The `iss` of an assertion's payload, read without verifying anything.
    private static func claimedClient(_ assertion: String) -> String? {
        guard let jws = CompactJWS(assertion, maximumBytes: maximumBytes) else { return nil }
        return object(jws.payload)?["iss"] as? String
    }

    private func check(_ assertion: String, audience: String, now: StoreTimestamp) throws(TokenError) -> VerifiedAssertion {
        guard assertion.utf8.count <= Self.maximumBytes else { throw .invalidClient("the client_assertion is too long") }
        guard let jws = CompactJWS(assertion, maximumBytes: Self.maximumBytes) else {
            throw .invalidClient("the client_assertion is not a compact JWS (three base64url parts)")
        }
        guard let header = Self.object(jws.header) else { throw .invalidClient("the JWS header is not a JSON object") }
        guard let algorithmName = header["alg"] as? String else { throw .invalidClient("the JWS header has no alg") }
        guard let algorithm = JWSAlgorithm(rawValue: algorithmName) else {
            throw .invalidClient("alg \(Self.printable(algorithmName)) is not accepted: use RS384 or ES384")
        }
        if let type = header["typ"] {
            guard let type = type as? String, type.uppercased() == "JWT" else { throw .invalidClient("the JWS header's typ is not JWT") }
        }
        guard let keyID = header["kid"] as? String, !keyID.isEmpty else { throw .invalidClient("the JWS header has no kid") }
        guard let claims = Self.object(jws.payload) else { throw .invalidClient("the JWT claims are not a JSON object") }
        guard let issuer = claims["iss"] as? String, let subject = claims["sub"] as? String, issuer == subject else {
            throw .invalidClient("iss and sub must both be the client id")
        }
        guard let client = registry.client(named: issuer), let keys = registry.keys[issuer] else {
            throw .invalidClient("no client registered with this client id and public keys")
        }
        let candidates = keys.candidates(algorithm: algorithm, keyID: keyID)
        guard !candidates.isEmpty else {
            throw .invalidClient("no registered \(algorithm.rawValue) key has this kid", client: client.name)
        }
        guard candidates.contains(where: { $0.verifies(jws.signature, of: jws.signingInput) }) else {
            throw .invalidClient("the signature does not verify with the registered key", client: client.name)
        }
        // The signature is good: from here on the claims are the client's own.
        guard Self.audiences(claims["aud"]).contains(audience) else {
            throw .invalidClient("aud is not this token endpoint (\(audience))", client: client.name)
        }
        let seconds = now.microsecondsSinceEpoch / 1_000_000
        guard let expiry = Self.numericDate(claims["exp"]) else { throw .invalidClient("exp is missing or not a number", client: client.name) }
        guard expiry > seconds else { throw .invalidClient("the assertion has expired", client: client.name) }
        guard expiry <= seconds + maximumLifetime + clockSkew else {
            throw .invalidClient("exp is more than \(maximumLifetime) seconds ahead", client: client.name)
        }
        for name in ["iat", "nbf"] {
            guard let value = claims[name] else { continue }
            guard let time = Self.numericDate(value) else { throw .invalidClient("\(name) is not a number", client: client.name) }
            guard time <= seconds + clockSkew else { throw .invalidClient("\(name) is in the future", client: client.name) }
        }
        guard let jti = claims["jti"] as? String, !jti.isEmpty, jti.utf8.count <= 256 else {
            throw .invalidClient("jti is missing (or longer than 256 bytes)", client: client.name)
        }
        return VerifiedAssertion(
            client: client, jti: jti, expiresAt: StoreTimestamp(microsecondsSinceEpoch: (expiry + clockSkew) * 1_000_000))
    }

    private static func object(_ bytes: [UInt8]) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
    }

    private static func audiences(_ value: Any?) -> [String] {
        if let single = value as? String { return [single] }
        return (value as? [Any])?.compactMap { $0 as? String } ?? []
    }

    /// A NumericDate (RFC 7519 §2): seconds, possibly with a fraction (truncated).
    private static func numericDate(_ value: Any?) -> Int64? {
        guard let number = value as? NSNumber, !(value is Bool) else { return nil }
        let seconds = number.doubleValue
        guard seconds.isFinite, abs(seconds) < 1e12 else { return nil }
        return Int64(seconds)
    }

    /// An algorithm name echoed in an error: only short ASCII letters and digits.
    private static func printable(_ text: String) -> String {
        text.count <= 16 && text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) })
            ? text : "(unreadable)"
    }
}
