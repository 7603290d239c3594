import Foundation

/// A client's registered public keys: a JWK Set (RFC 7517 §5) as SMART Backend Services
/// clients publish it (hl7.org/fhir/smart-app-launch/backend-services.html, "JWKS").
///
/// Keys this server cannot verify with (another `kty`, curve or `alg`, a private-only use) are
/// skipped, as RFC 7517 §5 asks; a set left with no usable key is an error, so a registration
/// that could never authenticate is seen at start-up, not at the first token request.
public struct JSONWebKeySet: Sendable {
    public let keys: [JWSPublicKey]
    /// How many keys were skipped, for the start-up message.
    public let skipped: Int

    public init(keys: [JWSPublicKey], skipped: Int = 0) {
        self.keys = keys
        self.skipped = skipped
    }

    /// Parses `{"keys":[{"kty":"RSA","kid":…,"n":…,"e":…}, {"kty":"EC","crv":"P-384","x":…,"y":…}]}`.
    public init(json: Data) throws(JWSSigningError) {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any],
              let entries = object["keys"] as? [Any]
        else { throw JWSSigningError(#"is not a JWK Set ({"keys":[…]})"#) }
        var keys: [JWSPublicKey] = []
        var skipped = 0
        for (index, entry) in entries.enumerated() {
            guard let jwk = entry as? [String: Any] else { throw JWSSigningError("keys[\(index)] is not an object") }
            do {
                if let key = try Self.key(jwk) { keys.append(key) } else { skipped += 1 }
            } catch {
                throw JWSSigningError("keys[\(index)]: \(error.description)")
            }
        }
        guard !keys.isEmpty else { throw JWSSigningError("holds no RS384 or ES384 public key") }
        self.init(keys: keys, skipped: skipped)
    }

    /// The keys that may verify a token signed with `algorithm` under `keyID` (the header's
    /// `kid`, which SMART requires).
    public func candidates(algorithm: JWSAlgorithm, keyID: String) -> [JWSPublicKey] {
        keys.filter { $0.algorithm == algorithm && $0.keyID == keyID }
    }

    /// nil for a key this server does not verify with; throws for one that claims to be usable
    /// but is not (bad base64url, a short modulus, a point off the curve).
    private static func key(_ jwk: [String: Any]) throws(JWSSigningError) -> JWSPublicKey? {
        if let use = jwk["use"] as? String, use != "sig" { return nil }
        if let operations = jwk["key_ops"] as? [String], !operations.contains("verify") { return nil }
        let keyID = jwk["kid"] as? String
        let algorithm = jwk["alg"] as? String
        func bytes(_ name: String) throws(JWSSigningError) -> [UInt8] {
            guard let text = jwk[name] as? String, let decoded = Base64URL.decode(text), !decoded.isEmpty else {
                throw JWSSigningError("\(name) is not base64url")
            }
            return decoded
        }
        switch jwk["kty"] as? String {
        case "RSA":
            guard algorithm == nil || algorithm == JWSAlgorithm.rs384.rawValue else { return nil }
            var modulus = try bytes("n")
            while modulus.first == 0, modulus.count > 1 { modulus.removeFirst() }  // a sign byte some encoders keep
            return try JWSPublicKey(rsaModulus: modulus, exponent: try bytes("e"), keyID: keyID)
        case "EC":
            guard jwk["crv"] as? String == "P-384", algorithm == nil || algorithm == JWSAlgorithm.es384.rawValue else { return nil }
            return try JWSPublicKey(p384X: try bytes("x"), y: try bytes("y"), keyID: keyID)
        default:
            return nil
        }
    }
}
