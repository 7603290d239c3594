import Foundation
import GatewayCrypto

/// The JWT a SMART Backend Services client signs to ask for a token (RFC 7523 §2.2 and
/// hl7.org/fhir/smart-app-launch/backend-services.html §"Authenticating to the Token endpoint"):
/// header `alg`, `kid`, `typ: JWT`; claims `iss` = `sub` = our client id, `aud` = the token
/// URL, `exp` at most five minutes ahead, and a `jti` never used before.
enum ClientAssertion {
    static let type = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    /// SMART: "no more than five minutes in the future".
    static let lifetime: TimeInterval = 300

    static func make(for client: SMARTBackendServices, now: Date) throws(AuthenticationFailure) -> String {
        let header: [String: Any] = ["alg": client.signer.algorithm.rawValue, "kid": client.keyID, "typ": "JWT"]
        let claims: [String: Any] = [
            "iss": client.clientID, "sub": client.clientID, "aud": client.tokenURL.absoluteString,
            "exp": Int((now.timeIntervalSince1970 + lifetime).rounded(.down)),
            "jti": Base64URL.encode(SecureRandom.bytes(18)),
        ]
        do {
            let options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
            return try client.signer.compactJWS(
                header: Array(try JSONSerialization.data(withJSONObject: header, options: options)),
                payload: Array(try JSONSerialization.data(withJSONObject: claims, options: options)))
        } catch let error as JWSSigningError {
            throw AuthenticationFailure("client assertion: " + error.description)
        } catch {
            throw AuthenticationFailure("client assertion could not be encoded")
        }
    }
}
