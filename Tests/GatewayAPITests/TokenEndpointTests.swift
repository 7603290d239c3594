import Foundation
@testable import GatewayAPI
import GatewayStore
import GatewayTestSupport
import Testing

/// SMART Backend Services inbound: `POST /auth/token` over real HTTP on loopback, with client
/// assertions signed by third-party code only — PyJWT over `cryptography` keys
/// (`Tests/Interop/smart_assertions.py`) and the `openssl` command — never by our own signer.
@Suite("SMART Backend Services token endpoint: assertions by PyJWT and openssl, jti replay, scopes, expiry, audit",
       .serialized)
struct TokenEndpointTests {
    static let audience = "https://gateway.test/auth/token"
    static let clientID = "cedar-ehr"

    /// A clients file naming the JWKS the keys' maker wrote, beside a static-token client.
    static func registry(jwksFile: String, in folder: URL, scopes: [String]) throws -> ClientRegistry {
        let file: [String: Any] = ["clients": [
            ["name": clientID, "jwksFile": jwksFile, "scopes": scopes],
            ["name": "local", "tokenSHA256": APIClient.tokenSHA256Hex(AccessHarness.fullToken), "scopes": ["system/*.*"]],
        ]]
        let path = folder.appendingPathComponent("clients.json")
        try JSONSerialization.data(withJSONObject: file).write(to: path)
        return try ClientRegistry.load(path: path.path)
    }

    static func tokenRequest(
        _ server: APIServer, assertion: String, scope: String = "system/Patient.rs system/Observation.rs",
        grantType: String = "client_credentials"
    ) async throws -> (reply: Reply, json: [String: Any]) {
        let form = QueryParameters.encode([
            ("grant_type", grantType), ("client_assertion_type", TokenEndpoint.assertionType),
            ("client_assertion", assertion), ("scope", scope),
        ])
        let reply = try await server.send(
            "POST", "/auth/token", body: Array(form.utf8), contentType: "application/x-www-form-urlencoded")
        let json = (try? JSONSerialization.jsonObject(with: reply.body) as? [String: Any]) ?? [:]
        return (reply, json)
    }

    /// Runs `Tests/Interop/smart_assertions.py` (PyJWT, cryptography): the client's keys and JWKS
    /// go into `folder` (`rs.pem`, `es.pem`, `jwks.json`); returns the named assertions it signed.
    static func makeAssertions(
        python: ExternalProgram, in folder: URL, clientID: String = clientID, audience: String = audience
    ) async throws -> [String: String] {
        let script = SharedData.repositoryRoot.appendingPathComponent("Tests/Interop/smart_assertions.py").path
        let made = try await python.run([script, folder.path, clientID, audience])
        try #require(made.status == 0, "smart_assertions.py failed: \(made.output.suffix(2000))")
        let jsonLine = try #require(made.output.split(separator: "\n").last { $0.hasPrefix("{") })
        return try #require(try JSONSerialization.jsonObject(with: Data(jsonLine.utf8)) as? [String: String])
    }

    static func configure(_ configuration: inout FHIRAPIConfiguration) {
        configuration.publicBaseURL = "https://gateway.test/fhir"
    }

    @Test("PyJWT-signed: good RS384/ES384 get a working token; each forgery and mistake is refused with its reason")
    func pyJWTAssertions() async throws {
        guard let python = ThirdPartyClientTests.python(skipping: "PyJWT token endpoint") else { return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let assertions = try await Self.makeAssertions(python: python, in: folder)
        let clients = try Self.registry(jwksFile: "jwks.json", in: folder, scopes: ["system/Patient.rs", "system/Observation.rs"])

        try await withAPIServer(clients: clients, configure: Self.configure) { server in
            // Good assertions: a token, and it works within its scopes only.
            for name in ["good_rs384", "good_es384", "good_array_aud"] {
                let (reply, json) = try await Self.tokenRequest(server, assertion: try #require(assertions[name]))
                #expect(reply.status == 200, "\(name): \(reply.text)")
                #expect(json["token_type"] as? String == "bearer" && json["expires_in"] as? Int == 300, "\(name)")
                #expect(json["scope"] as? String == "system/Patient.rs system/Observation.rs", "\(name)")
                #expect(reply.header("Cache-Control") == "no-store")
                let token = try #require(json["access_token"] as? String)
                let search = try await server.send("GET", "/fhir/Patient", headers: ["Authorization": "Bearer \(token)"])
                #expect(search.status == 200, "\(name): the issued token reads")
                let write = try await server.post(
                    "/fhir/Patient", json: #"{"resourceType":"Patient","gender":"female"}"#, headers: ["Authorization": "Bearer \(token)"])
                #expect(write.status == 403, "\(name): the issued token has no create scope")
            }
            // The same assertion again: a replay.
            let replay = try await Self.tokenRequest(server, assertion: try #require(assertions["good_rs384"]))
            #expect(replay.reply.status == 401 && replay.json["error"] as? String == "invalid_client")
            #expect((replay.json["error_description"] as? String)?.contains("jti") == true)

            let refusals: [(String, String, String)] = [
                ("expired", "invalid_client", "expired"),
                ("exp_too_far", "invalid_client", "seconds ahead"),
                ("future_iat", "invalid_client", "iat is in the future"),
                ("wrong_aud", "invalid_client", "aud"),
                ("unknown_kid", "invalid_client", "kid"),
                ("other_key", "invalid_client", "signature"),
                ("ec_key_rs_alg", "invalid_client", "kid"),
                ("rs256", "invalid_client", "RS256 is not accepted"),
                ("alg_none", "invalid_client", "none is not accepted"),
                ("hs384_public_key", "invalid_client", "HS384 is not accepted"),
                ("tampered", "invalid_client", "signature"),
                ("no_jti", "invalid_client", "jti"),
                ("iss_not_sub", "invalid_client", "iss and sub"),
                ("unknown_client", "invalid_client", "no client registered"),
            ]
            for (name, code, reason) in refusals {
                let (reply, json) = try await Self.tokenRequest(server, assertion: try #require(assertions[name], "\(name)"))
                #expect(reply.status == 401, "\(name): \(reply.text)")
                #expect(json["error"] as? String == code, "\(name)")
                #expect((json["error_description"] as? String)?.contains(reason) == true, "\(name): \(json)")
                #expect(json["access_token"] == nil)
            }

            // What the audit log kept: issued and refused tokens, by client, never an assertion.
            let events = try server.store.read { try $0.auditEvents(in: TimeRange(from: nil, to: nil), afterSequence: nil, limit: 1000) }
            let tokens = events.filter { $0.action == "token" }
            #expect(tokens.filter { $0.outcome == "200" }.count == 3)
            #expect(tokens.filter { $0.outcome == "401" }.count == refusals.count + 1)
            #expect(tokens.filter { $0.actor == Self.clientID }.count == 3 + refusals.count)  // all but unknown_client
            let everything = events.compactMap(\.detail).joined() + server.log.all.joined()
            for assertion in assertions.values {
                #expect(!everything.contains(String(assertion.split(separator: ".")[1].prefix(40))), "an assertion leaked")
            }
        }
    }

    @Test("openssl-signed RS384 and ES384 (keys by openssl genpkey, JWKs from openssl's own output) are accepted")
    func opensslAssertions() async throws {
        guard OpenSSLCommand.path != nil else {
            print(OpenSSLCommand.absentMessage)
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("token-openssl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try OpenSSLCommand.generateKey(["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"], named: "rs", in: folder)
        _ = try OpenSSLCommand.generateKey(["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"], named: "es", in: folder)
        let keys = [
            try OpenSSLCommand.publicJWK(named: "rs", keyID: "rs-ossl", algorithm: "RS384", in: folder),
            try OpenSSLCommand.publicJWK(named: "es", keyID: "es-ossl", algorithm: "ES384", in: folder),
        ]
        try JSONSerialization.data(withJSONObject: ["keys": keys]).write(to: folder.appendingPathComponent("keys.jwks"))
        let clients = try Self.registry(jwksFile: "keys.jwks", in: folder, scopes: ["system/*.rs"])
        let now = Int(Date().timeIntervalSince1970)
        try await withAPIServer(clients: clients, configure: Self.configure) { server in
            for (name, algorithm, kid) in [("rs", "RS384", "rs-ossl"), ("es", "ES384", "es-ossl")] {
                let header = #"{"alg":"\#(algorithm)","kid":"\#(kid)","typ":"JWT"}"#
                let payload = #"{"iss":"\#(Self.clientID)","sub":"\#(Self.clientID)","aud":"\#(Self.audience)","exp":\#(now + 200),"jti":"\#(UUID().uuidString)"}"#
                let assertion = try OpenSSLCommand.signJWS(header: header, payload: payload, privateKeyNamed: name, in: folder)
                let (reply, json) = try await Self.tokenRequest(server, assertion: assertion, scope: "system/Patient.rs system/Encounter.cruds")
                #expect(reply.status == 200, "\(algorithm): \(reply.text)")
                // Requested ∩ registered: Encounter's c, u, d are not granted.
                #expect(json["scope"] as? String == "system/Patient.rs system/Encounter.rs")
                // A payload changed after signing no longer verifies.
                let parts = assertion.split(separator: ".").map(String.init)
                let forged = parts[0] + "." + OpenSSLCommand.encodeBase64URL(Data(payload.replacingOccurrences(of: "\(now + 200)", with: "\(now + 250)").utf8)) + "." + parts[2]
                let refused = try await Self.tokenRequest(server, assertion: forged)
                #expect(refused.reply.status == 401 && (refused.json["error_description"] as? String)?.contains("signature") == true)
            }
        }
    }

    @Test("two gateways on one store share the jti record and the tokens; an expired access token is 401; form mistakes are 400")
    func sharedStoreAndExpiry() async throws {
        guard let python = ThirdPartyClientTests.python(skipping: "PyJWT token endpoint") else { return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("token-shared-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let assertions = try await Self.makeAssertions(python: python, in: folder)
        let clients = try Self.registry(jwksFile: "jwks.json", in: folder, scopes: ["system/*.rs"])
        let store = try SQLiteGatewayStore(path: folder.appendingPathComponent("shared.sqlite").path)

        try await withAPIServer(store: store, clients: clients, configure: Self.configure) { first in
            try await withAPIServer(store: store, clients: clients, configure: {
                Self.configure(&$0)
                $0.accessTokenLifetime = 1
            }) { second in
                let issued = try await Self.tokenRequest(first, assertion: try #require(assertions["good_rs384"]))
                #expect(issued.reply.status == 200)
                let token = try #require(issued.json["access_token"] as? String)
                #expect(try await second.send("GET", "/fhir/Patient", headers: ["Authorization": "Bearer \(token)"]).status == 200,
                        "a token issued by one gateway works on another over the same store")
                let replay = try await Self.tokenRequest(second, assertion: try #require(assertions["good_rs384"]))
                #expect(replay.reply.status == 401 && (replay.json["error_description"] as? String)?.contains("jti") == true,
                        "a jti used on one gateway is refused by the other")

                let short = try await Self.tokenRequest(second, assertion: try #require(assertions["good_es384"]))
                #expect(short.json["expires_in"] as? Int == 1)
                let shortToken = try #require(short.json["access_token"] as? String)
                #expect(try await first.send("GET", "/fhir/Patient", headers: ["Authorization": "Bearer \(shortToken)"]).status == 200)
                try await Task.sleep(for: .milliseconds(1500))
                let expired = try await first.send("GET", "/fhir/Patient", headers: ["Authorization": "Bearer \(shortToken)"])
                #expect(expired.status == 401)
                #expect(expired.header("WWW-Authenticate")?.contains("invalid_token") == true)
                #expect(expired.text.contains("expired"))
                #expect(!expired.text.contains(shortToken))

                let grant = try await Self.tokenRequest(first, assertion: "x", grantType: "password")
                #expect(grant.reply.status == 400 && grant.json["error"] as? String == "unsupported_grant_type")
                let noScope = try await Self.tokenRequest(first, assertion: try #require(assertions["good_array_aud"]), scope: "system/Claim.c")
                #expect(noScope.reply.status == 400 && noScope.json["error"] as? String == "invalid_scope")
                let json = try await first.send(
                    "POST", "/auth/token", body: Array(#"{"grant_type":"client_credentials"}"#.utf8), contentType: "application/json")
                #expect(json.status == 400)
                #expect(try await first.send("GET", "/auth/token").status == 405)
            }
        }
    }

    @Test("discovery: .well-known/smart-configuration and the CapabilityStatement's oauth-uris name the token endpoint")
    func discovery() async throws {
        try await withAPIServer(clients: AccessHarness.clients, configure: Self.configure) { server in
            let reply = try await server.send("GET", "/fhir/.well-known/smart-configuration")
            #expect(reply.status == 200)
            let json = try #require(try JSONSerialization.jsonObject(with: reply.body) as? [String: Any])
            #expect(json["token_endpoint"] as? String == Self.audience)
            #expect(json["grant_types_supported"] as? [String] == ["client_credentials"])
            #expect(json["token_endpoint_auth_methods_supported"] as? [String] == ["private_key_jwt"])
            #expect(json["token_endpoint_auth_signing_alg_values_supported"] as? [String] == ["RS384", "ES384"])
            #expect((json["capabilities"] as? [String])?.contains("client-confidential-asymmetric") == true)
            let metadata = try await server.send("GET", "/fhir/metadata")
            #expect(metadata.status == 200)
            #expect(metadata.text.contains(CapabilityDocument.oauthURIs) && metadata.text.contains(Self.audience))
            let authorize = try await server.send("GET", "/auth/authorize?response_type=code&client_id=x&redirect_uri=https://evil.example/cb")
            #expect(authorize.status == 400 && authorize.header("Location") == nil)
            #expect(authorize.text.contains("unsupported_response_type"))
        }
    }
}
