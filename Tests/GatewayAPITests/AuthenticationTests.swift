import Foundation
@testable import GatewayAPI
import GatewayStore
import HTTPServer
import Synchronization
import Testing

/// Bearer tokens and SMART scopes (issue "The FHIR REST API", part 3): 401, 403 and 200, the
/// constant-time comparison, first-start token generation, and a token never logged.
@Suite("Authentication and scopes")
struct AuthenticationTests {
    @Test("no token, another scheme or an unknown token: 401 with WWW-Authenticate: Bearer and a login OperationOutcome")
    func unauthorized() async throws {
        let harness = try AccessHarness()
        let missing = await harness.send("GET", "/fhir/Patient")
        #expect(missing.status == 401)
        #expect(missing.headers["WWW-Authenticate"]?.hasPrefix("Bearer") == true)
        #expect(missing.issueCode == "login")
        let basic = await harness.send("GET", "/fhir/Patient", headers: ["Authorization": "Basic dXNlcjpwYXNz"])
        #expect(basic.status == 401)
        let wrong = await harness.send("GET", "/fhir/Patient", token: "not-a-known-token")
        #expect(wrong.status == 401)
        #expect(wrong.headers["WWW-Authenticate"]?.contains(#"error="invalid_token""#) == true)
        #expect(wrong.issueCode == "login")
        let xml = await harness.send("GET", "/fhir/Patient", headers: ["Accept": "application/fhir+xml"])
        #expect(xml.status == 401 && xml.headers["Content-Type"]?.contains("xml") == true)
    }

    @Test("/metadata and the operations endpoints need no token")
    func publicEndpoints() async throws {
        let harness = try AccessHarness()
        #expect(await harness.send("GET", "/fhir/metadata").status == 200)
        #expect(await harness.send("GET", "/healthz").status == 200)
        #expect(await harness.send("GET", "/readyz").status == 200)
        #expect(await harness.send("GET", "/metrics").status == 200)
    }

    @Test("a valid token: 200/201 within its scopes, 403 forbidden outside them")
    func scopes() async throws {
        let harness = try AccessHarness()
        let created = await harness.send("POST", "/fhir/Patient", token: AccessHarness.fullToken, json: patientJSON(mrn: "A-1"))
        #expect(created.status == 201)
        let reader = await harness.send("GET", "/fhir/Patient", token: AccessHarness.readerToken)
        #expect(reader.status == 200)
        let refused = await harness.send("POST", "/fhir/Patient", token: AccessHarness.readerToken, json: patientJSON(mrn: "A-2"))
        #expect(refused.status == 403)
        #expect(refused.issueCode == "forbidden")
        #expect(refused.text.contains("system/Patient.c"))
        // Patient.c does not give search, nor another type.
        #expect(await harness.send("GET", "/fhir/Patient", token: AccessHarness.patientCreatorToken).status == 403)
        #expect(await harness.send("POST", "/fhir/Patient", token: AccessHarness.patientCreatorToken, json: patientJSON(mrn: "A-3")).status == 201)
        #expect(try harness.store.read { try $0.search(ResourceQuery(type: "Patient", count: 10, includeTotal: true)).total } == 2)
    }

    @Test("a transaction needs the scopes of every entry; the 403 names the entry and nothing is stored")
    func transactionScopes() async throws {
        let harness = try AccessHarness()
        let refused = await harness.send(
            "POST", "/fhir", token: AccessHarness.patientCreatorToken, json: patientAndReferralTransaction(mrn: "T-1"))
        #expect(refused.status == 403)
        #expect(refused.issueCode == "forbidden")
        #expect(refused.text.contains("Bundle.entry[1]"))
        #expect(!refused.text.contains("Bundle.entry[0]"))
        #expect(try harness.store.read { try $0.search(ResourceQuery(type: "Patient", count: 10, includeTotal: true)).total } == 0)
    }

    @Test("entry targets: the type and whether an instance is named", arguments: [
        ("Patient", "Patient", false), ("Patient/123", "Patient", true), ("Patient?identifier=a|b", "Patient", false),
        ("Patient/123/_history/2", "Patient", true), ("http://example.org/fhir/Patient/9", "Patient", true),
    ])
    func entryTargets(url: String, type: String, instance: Bool) {
        let target = RequestAccess.entryTarget(url)
        #expect(target.type == type)
        #expect(target.instance == instance)
    }

    @Test("SMART v2 letters and v1 read/write/* parse; anything else is refused", arguments: [
        ("system/Patient.cru", "system/Patient.cru"), ("system/*.rs", "system/*.rs"), ("system/*.*", "system/*.cruds"),
        ("system/Patient.read", "system/Patient.rs"), ("system/Observation.write", "system/Observation.cud"),
        ("system/Patient.cruds", "system/Patient.cruds"),
        ("system/Observation.rs?category=laboratory", "system/Observation.rs?category=laboratory"),
    ])
    func scopeParsing(text: String, canonical: String) {
        #expect(SMARTScope(text)?.description == canonical)
    }

    @Test("scopes this server does not understand are refused", arguments: [
        "patient/Patient.r", "user/*.rs", "system/Patient.rc", "system/Patient.x", "system/Patient.", "system/Patient.rr",
        "system/Patient.r?", "system/Patient.r?category", "system/patient.r", "Patient.r",
    ])
    func scopeRefused(text: String) {
        #expect(SMARTScope(text) == nil)
    }

    @Test("the token's SHA-256 is compared with every client's hash through the constant-time comparison")
    func constantTimePath() {
        let compared = Mutex<[([UInt8], [UInt8])]>([])
        let found = AccessHarness.clients.authenticate(token: AccessHarness.readerToken) { lhs, rhs in
            compared.withLock { $0.append((lhs, rhs)) }
            return lhs == rhs
        }
        #expect(found?.name == "reporting")
        let pairs = compared.withLock { $0 }
        // Every client is compared, also after the match, and only 32-byte digests are compared.
        #expect(pairs.count == AccessHarness.clients.clients.count)
        #expect(pairs.allSatisfy { $0.0.count == 32 && $0.1.count == 32 })
        #expect(pairs.allSatisfy { $0.1 == ClientRegistry.hexBytes(APIClient.tokenSHA256Hex(AccessHarness.readerToken))! })
        // The default path (ConstantTime.equal) agrees.
        #expect(AccessHarness.clients.authenticate(token: AccessHarness.readerToken)?.name == "reporting")
        #expect(AccessHarness.clients.authenticate(token: AccessHarness.readerToken + "x") == nil)
    }

    @Test("the token never appears in the access log, the API log or the audit log")
    func tokenNeverLogged() async throws {
        let harness = try AccessHarness()
        _ = await harness.send("POST", "/fhir/Patient", token: AccessHarness.fullToken, json: patientJSON(mrn: "L-1"))
        _ = await harness.send("GET", "/fhir/Patient", token: AccessHarness.readerToken)
        _ = await harness.send("GET", "/fhir/Patient", token: "wrong-token-value")
        let hash = APIClient.tokenSHA256Hex(AccessHarness.fullToken)
        let logged = harness.accessLog.all + harness.apiLog.all
            + (try harness.auditEvents()).map { "\($0.actor) \($0.action) \($0.resourceType ?? "") \($0.resourceId ?? "") \($0.outcome) \($0.detail ?? "")" }
        #expect(logged.count >= 6)
        for secret in [AccessHarness.fullToken, AccessHarness.readerToken, "wrong-token-value", hash] {
            #expect(!logged.contains { $0.contains(secret) })
        }
    }

    @Test("first start generates one token, keeps only its hash in clients.json (0600); later starts reuse the file")
    func localTokenGeneration() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clients-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try ClientRegistry.openLocal(folder: folder)
        let token = try #require(first.generatedToken)
        #expect(token.count == 43)  // 32 bytes, base64url without padding
        #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        let path = (folder as NSString).appendingPathComponent("clients.json")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let file = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!file.contains(token))
        #expect(file.contains(APIClient.tokenSHA256Hex(token)))
        #expect(first.registry.authenticate(token: token)?.name == "local")

        let second = try ClientRegistry.openLocal(folder: folder)
        #expect(second.generatedToken == nil)
        #expect(second.registry.clients == first.registry.clients)
        #expect(second.registry.authenticate(token: token)?.name == "local")
        #expect(try ClientRegistry.openLocal(folder: folder).generatedToken == nil)
    }

    @Test("a configuration file is read; a bad scope or hash is an error that names the client")
    func configurationFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = (folder as NSString).appendingPathComponent("clients.json")
        let hash = APIClient.tokenSHA256Hex("abc")
        try #"{"clients":[{"name":"ehr","tokenSHA256":"\#(hash)","scopes":["system/Patient.cru","system/*.rs"]}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let registry = try ClientRegistry.load(path: path)
        #expect(registry.authenticate(token: "abc")?.scopes.map(\.description) == ["system/Patient.cru", "system/*.rs"])

        try #"{"clients":[{"name":"ehr","tokenSHA256":"\#(hash)","scopes":["patient/*.read"]}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ClientConfigurationError.self) { try ClientRegistry.load(path: path) }
        try #"{"clients":[{"name":"ehr","tokenSHA256":"abc","scopes":[]}]}"#.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try ClientRegistry.load(path: path)
            Issue.record("a short hash was accepted")
        } catch {
            #expect(error.description.contains("clients[0].tokenSHA256"))
        }
    }
}
