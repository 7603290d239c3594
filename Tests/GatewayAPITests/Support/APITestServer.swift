import FHIRCore
import FHIRJSON
import FHIRValidation
import FHIRXML
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GatewayAPI
import GatewayIntake
import GatewayStore
import GatewayTestSupport
import HTTPServer
import IOPDomain
import IOPMapping
import Synchronization
import Testing

/// What every API test shares: the IOP's profiles and CapabilityStatement, loaded once.
enum APIFixtures {
    static let root = SharedData.repositoryRoot
    static let profiles = root.appendingPathComponent("Profiles")

    /// The deployment's identity policy: the test clinic sends its MRNs without a type, so its
    /// system is listed (README, "Identity"), as an operator would list theirs.
    static let identityPolicy = IdentityPolicy.gateway(IdentityPolicy(matchingSystems: ["http://clinic.example.org/mrn"]))

    static let intake: Intake = {
        let registry = (try? ProfileRegistry(folder: profiles)) ?? ProfileRegistry()
        return Intake(validator: DocumentValidator(validator: FHIRValidator(registry: registry)),
                      mapper: FHIRInboundMapper(configuration: .init(identityPolicy: identityPolicy)), identityPolicy: identityPolicy)
    }()

    static let capabilityStatement: FHIRElement? = {
        let url = profiles.appendingPathComponent("CapabilityStatement-iop-gateway.json")
        return (try? Data(contentsOf: url)).flatMap { FHIRJSONReader().read(Array($0)).resource }
    }()

    static func files(in folder: String, extension fileExtension: String) -> [URL] {
        let directory = root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix("." + fileExtension) && !$0.hasSuffix(".outcome.json") }.sorted()
            .map { directory.appendingPathComponent($0) }
    }
}

/// Lines the API logged, for the tests that look at incidents.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

/// A gateway on an ephemeral loopback port, over a fresh SQLite file (or the store given); with
/// `clients`, behind the gateway's middleware (bearer tokens, audit, operations endpoints).
struct APIServer: Sendable {
    let port: Int
    let store: any GatewayStore
    let log: LogLines
    var base: String { "http://127.0.0.1:\(port)/fhir" }
}

func withAPIServer(
    store given: (any GatewayStore)? = nil,
    clients: ClientRegistry? = nil,
    configure: (inout FHIRAPIConfiguration) -> Void = { _ in },
    _ body: (APIServer) async throws -> Void
) async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("api-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let store: any GatewayStore = try given ?? SQLiteGatewayStore(path: folder.appendingPathComponent("gateway.sqlite").path)
    let log = LogLines()
    var configuration = FHIRAPIConfiguration(log: { log.append($0) })
    configure(&configuration)
    let middleware = clients.map { clients in
        GatewayMiddleware.standard(
            store: store, clients: clients, metrics: GatewayMetrics(), configuration: configuration, accessLog: { log.append($0) })
    }
    let api = FHIRAPI(
        store: store, intake: APIFixtures.intake, capabilityStatement: APIFixtures.capabilityStatement,
        configuration: configuration, middleware: middleware ?? [])
    let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), responder: api)
    try await withLoopbackServer(server) { loopback in
        try await body(APIServer(port: loopback.port, store: store, log: log))
    }
}

/// One process-wide session (short-lived sessions have crashed at teardown on Linux).
let apiSession: URLSession = {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = 60
    configuration.httpMaximumConnectionsPerHost = 8
    return URLSession(configuration: configuration)
}()

/// A response as the tests read it.
struct Reply: Sendable {
    let status: Int
    let headers: [String: String]
    let body: Data

    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body read as FHIR, in the format its Content-Type names.
    var resource: FHIRElement? {
        let bytes = Array(body)
        if header("Content-Type")?.contains("xml") == true { return FHIRXMLReader().read(bytes).resource }
        return FHIRJSONReader().read(bytes).resource
    }
}

extension APIServer {
    func send(
        _ method: String, _ path: String, body: [UInt8]? = nil, contentType: String? = "application/fhir+json",
        headers: [String: String] = [:]
    ) async throws -> Reply {
        let url = path.hasPrefix("http") ? URL(string: path)! : URL(string: "http://127.0.0.1:\(port)\(path)")!
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body)
            if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await apiSession.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { fields[key] = value }
        }
        return Reply(status: http.statusCode, headers: fields, body: data)
    }

    func post(_ path: String, json: String, headers: [String: String] = [:]) async throws -> Reply {
        try await send("POST", path, body: Array(json.utf8), headers: headers)
    }

    /// How many current resources of a type the store holds.
    func count(_ type: String) throws -> Int {
        try store.read { try $0.search(ResourceQuery(type: type, count: 1, includeTotal: true)).total ?? 0 }
    }
}
