import Foundation
@testable import GatewayAPI
import GatewayStore
import HTTPServer
import Synchronization

/// An API with the gateway's middleware chain, driven in process (no socket): the clients,
/// their tokens, and what was logged.
struct AccessHarness: Sendable {
    static let fullToken = "full-token-0123456789abcdefghijklmnopqrstuv"
    static let readerToken = "reader-token-0123456789abcdefghijklmnopqrs"
    static let patientCreatorToken = "patient-creator-token-0123456789abcdefghij"

    static let clients = ClientRegistry(clients: [
        client("ehr-full", fullToken, ["system/*.*"]),
        client("reporting", readerToken, ["system/*.rs"]),
        client("patient-creator", patientCreatorToken, ["system/Patient.c"]),
    ])

    static func client(_ name: String, _ token: String, _ scopes: [String]) -> APIClient {
        APIClient(
            name: name, tokenSHA256: ClientRegistry.hexBytes(APIClient.tokenSHA256Hex(token))!,
            scopes: scopes.compactMap(SMARTScope.init))
    }

    let api: FHIRAPI
    let store: any GatewayStore
    let metrics: GatewayMetrics
    let accessLog: LogLines
    let apiLog: LogLines

    init(store: (any GatewayStore)? = nil, migrationsDone: @escaping @Sendable () throws -> Bool = { true }) throws {
        let store = try store ?? SQLiteGatewayStore.inMemory()
        let accessLog = LogLines()
        let apiLog = LogLines()
        let configuration = FHIRAPIConfiguration(log: { apiLog.append($0) })
        let metrics = GatewayMetrics()
        self.api = FHIRAPI(
            store: store, intake: APIFixtures.intake, capabilityStatement: APIFixtures.capabilityStatement,
            configuration: configuration,
            middleware: GatewayMiddleware.standard(
                store: store, clients: Self.clients, metrics: metrics, configuration: configuration,
                migrationsDone: migrationsDone, accessLog: { accessLog.append($0) }))
        self.store = store
        self.metrics = metrics
        self.accessLog = accessLog
        self.apiLog = apiLog
    }

    func send(
        _ method: String, _ target: String, token: String? = nil, json: String? = nil, headers: [String: String] = [:]
    ) async -> HTTPResponse {
        var fields = HTTPHeaders()
        fields.add(name: "Host", value: "127.0.0.1:8080")
        if let token { fields.add(name: "Authorization", value: "Bearer \(token)") }
        if json != nil { fields.add(name: "Content-Type", value: "application/fhir+json") }
        for (name, value) in headers { fields.add(name: name, value: value) }
        let request = HTTPRequest(method: method, target: target, headers: fields, body: Array((json ?? "").utf8))
        let context = RequestContext(connectionID: 1, remoteAddress: "127.0.0.1:50000", requestNumber: 1, receivedAt: .now)
        return await api.respond(to: request, context: context)
    }

    func auditEvents() throws -> [AuditEvent] {
        let range = TimeRange(from: StoreTimestamp(microsecondsSinceEpoch: 0), to: StoreTimestamp.now().adding(.seconds(60)))
        return try store.read { try $0.auditEvents(in: range, afterSequence: nil, limit: 1000) }
    }
}

extension HTTPResponse {
    var bytes: [UInt8] {
        if case .bytes(let bytes) = body { return bytes }
        return []
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The first `issue.code` of an OperationOutcome body.
    var issueCode: String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let issues = object["issue"] as? [[String: Any]]
        else { return nil }
        return issues.first?["code"] as? String
    }
}

/// A transaction Bundle with a Patient (entry 0) and a ServiceRequest for them (entry 1).
func patientAndReferralTransaction(mrn: String) -> String {
    #"{"resourceType":"Bundle","type":"transaction","entry":["#
        + #"{"fullUrl":"urn:uuid:11111111-1111-4111-8111-111111111111","resource":\#(patientJSON(mrn: mrn)),"#
        + #""request":{"method":"POST","url":"Patient"}},"#
        + #"{"fullUrl":"urn:uuid:22222222-2222-4222-8222-222222222222","resource":{"resourceType":"ServiceRequest","#
        + #""status":"active","intent":"order","subject":{"reference":"urn:uuid:11111111-1111-4111-8111-111111111111"}},"#
        + #""request":{"method":"POST","url":"ServiceRequest"}}]}"#
}
