import Foundation
import GatewayCrypto
import GatewayTestSupport
import Synchronization
import Testing
@testable import Outbound

/// SMART Backend Services against a token endpoint on loopback: the gateway signs a JWT client
/// assertion with a key made by `openssl genpkey`; the test checks each assertion's signature
/// with `openssl dgst -verify` and its claims by reading them.
@Suite("SMART Backend Services: JWT client assertion (RS384, ES384), token cached, refreshed once on 401",
       .serialized, .enabled(if: OpenSSLCommand.path != nil, "the openssl command is not installed (Debian: apt-get install openssl): skipped"))
struct SMARTBackendServicesTests {
    @Test("the token endpoint gets a client assertion openssl verifies; t1 is refused once, t2 serves the rest",
          arguments: JWSAlgorithm.allCases)
    func clientAssertion(algorithm: JWSAlgorithm) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("smart-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let genpkey = algorithm == .rs384
            ? ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"] : ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]
        let pem = try OpenSSLCommand.generateKey(genpkey, named: "client", in: folder)

        let forms = Mutex<[[String: String]]>([])
        let receiver = ScriptedReceiver { request, _ in
            if request.path == "/token" {
                let form = Self.form(String(decoding: request.body, as: UTF8.self))
                let number = forms.withLock { $0.append(form); return $0.count }
                guard request.headers["Authorization"] == nil, request.headers["Content-Type"] == "application/x-www-form-urlencoded" else {
                    return .status(400)
                }
                return .status(200, headers: [("Content-Type", "application/json")],
                               body: #"{"access_token":"t\#(number)","token_type":"bearer","expires_in":300,"scope":"system/Communication.write"}"#)
            }
            return request.headers["Authorization"] == "Bearer t1" ? .status(401) : .create()
        }
        let server = try await LoopbackServer.start(receiver)
        defer { Task { await server.stop() } }
        let tokenURL = URL(string: "http://127.0.0.1:\(server.port)/token")!
        let client = SMARTBackendServices(tokenURL: tokenURL, clientID: "iop-gateway", keyID: "key-2026",
                                          scope: "system/Communication.write",
                                          signer: try JWSSigner(privateKeyPEM: pem, algorithm: algorithm))
        let store = try Fixture.store()
        try Fixture.enqueue(store, participant: "p1", label: "p1-1")
        try Fixture.enqueue(store, participant: "p2", label: "p2-1")
        let authenticator = ReceiverAuthenticator()
        let worker = EndpointWorker(
            endpoint: OutboundEndpoint(key: "pcp-1", primary: try Fixture.route(server.baseURL, .rest, auth: .smartBackendServices(client))),
            store: store, policy: Fixture.policy(), authenticator: authenticator, jitter: { $0 }, log: .discard)
        try await Fixture.drain(worker, store)

        #expect(receiver.filed.count == 2)
        #expect(await authenticator.tokenRequests == 2, "t1 refused once, t2 cached for the second message")
        let creates = receiver.requests.filter { $0.path != "/token" }.map { $0.headers["Authorization"] ?? "" }
        #expect(creates == ["Bearer t1", "Bearer t2", "Bearer t2"])

        let sent = forms.withLock { $0 }
        #expect(sent.count == 2)
        let started = Date().timeIntervalSince1970
        var jtis: Set<String> = []
        for form in sent {
            #expect(form["grant_type"] == "client_credentials")
            #expect(form["scope"] == "system/Communication.write")
            #expect(form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
            let assertion = try #require(form["client_assertion"])
            #expect(try OpenSSLCommand.verifiesJWS(assertion, publicKeyNamed: "client", in: folder), "openssl verifies the signature")
            let parts = assertion.split(separator: ".").map(String.init)
            let header = try #require(try Self.json(parts[0]))
            let claims = try #require(try Self.json(parts[1]))
            #expect(header["alg"] as? String == algorithm.rawValue)
            #expect(header["kid"] as? String == "key-2026")
            #expect(header["typ"] as? String == "JWT")
            #expect(claims["iss"] as? String == "iop-gateway" && claims["sub"] as? String == "iop-gateway")
            #expect(claims["aud"] as? String == tokenURL.absoluteString)
            let exp = try #require(claims["exp"] as? Double)
            #expect(exp > started - 60 && exp <= started + 300, "expires within five minutes (SMART)")
            jtis.insert(try #require(claims["jti"] as? String))
        }
        #expect(jtis.count == 2, "every assertion has its own jti")
    }

    @Test("a token endpoint that refuses the assertion: not sent, retried later, no secret in the error")
    func refusedAssertion() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("smart-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pem = try OpenSSLCommand.generateKey(["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"], named: "client", in: folder)
        let receiver = ScriptedReceiver { request, _ in
            request.path == "/token" ? .status(401, headers: [("Content-Type", "application/json")], body: #"{"error":"invalid_client"}"#) : .create()
        }
        let server = try await LoopbackServer.start(receiver)
        defer { Task { await server.stop() } }
        let client = try SMARTBackendServices(tokenURL: URL(string: "http://127.0.0.1:\(server.port)/token")!, clientID: "iop-gateway",
                                              keyID: "k", scope: "system/Communication.write", privateKeyPEM: pem, algorithm: .es384)
        let store = try Fixture.store()
        let message = try Fixture.enqueue(store, participant: "p1", label: "p1-1")
        let worker = EndpointWorker(
            endpoint: OutboundEndpoint(key: "pcp-1", primary: try Fixture.route(server.baseURL, .rest, auth: .smartBackendServices(client))),
            store: store, policy: Fixture.policy(), jitter: { $0 }, log: .discard)
        let report = try await worker.runOnce()
        #expect(report.retried == 1 && receiver.filed.isEmpty)
        let stored = try #require(try Fixture.message(store, message.id))
        #expect(stored.status == .pending)
        #expect(stored.lastError == "primary: token request: HTTP 401")
    }

    /// A JWT part, decoded.
    static func json(_ part: String) throws -> [String: Any]? {
        guard let data = OpenSSLCommand.decodeBase64URL(part) else { return nil }
        return try JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    /// `application/x-www-form-urlencoded` back into fields.
    static func form(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        return fields
    }
}
