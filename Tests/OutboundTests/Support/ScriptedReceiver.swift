import Foundation
import GatewayTestSupport
import HTTPServer
import Synchronization
import Testing

/// A FHIR receiver on loopback that the test scripts: it records every request, keeps what it
/// "files" by the gateway's identifier, answers searches from that, and lets the script decide
/// each create's fate.
final class ScriptedReceiver: Sendable {
    struct Recorded: Sendable {
        var method: String
        var path: String
        var query: String?
        var headers: HTTPHeaders
        var body: [UInt8]
    }

    struct Filed: Sendable, Hashable {
        var type: String
        var id: String
        var identifier: String
        /// `Communication.payload[0].contentString`: which test message it was.
        var label: String?
    }

    enum Reply: Sendable {
        /// File it (or, with `honourConditional`, answer 200 if already filed) and answer 201.
        case create(honourConditional: Bool = true)
        /// File it, then close the connection in the middle of the response.
        case createThenDrop
        /// File it, then answer only after `delay` (past the client's deadline).
        case createThenStall(Duration)
        /// Close the connection mid-response without filing.
        case drop
        case status(Int, headers: [(String, String)] = [], body: String = "")
    }

    struct State {
        var requests: [Recorded] = []
        var filed: [Filed] = []
        var creates = 0
    }

    let state = Mutex(State())
    let script: @Sendable (Recorded, Int) -> Reply

    /// `script` gets each create (not searches) and how many creates came before it.
    init(script: @escaping @Sendable (Recorded, Int) -> Reply = { _, _ in .create() }) {
        self.script = script
    }

    var requests: [Recorded] { state.withLock { $0.requests } }
    var filed: [Filed] { state.withLock { $0.filed } }
    var labels: [String] { filed.compactMap(\.label) }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let recorded = Recorded(method: request.method, path: request.path, query: request.query, headers: request.headers, body: request.body)
        let index = state.withLock { state -> Int in
            state.requests.append(recorded)
            if request.method == "POST" { state.creates += 1 }
            return state.creates - 1
        }
        if request.method == "GET" { return search(recorded) }
        let reply = script(recorded, index)
        switch reply {
        case .status(let status, let headers, let body):
            return HTTPResponse(status: status, headers: HTTPHeaders(headers), body: body)
        case .drop:
            return HTTPResponse(status: 201, headers: ["Content-Type": "application/fhir+json"]) { writer in
                try await writer.write("{\"resourceType\":")
                throw CancellationError()
            }
        case .create(let honour):
            return file(recorded, honourConditional: honour)
        case .createThenDrop:
            _ = file(recorded, honourConditional: false)
            return HTTPResponse(status: 201, headers: ["Content-Type": "application/fhir+json"]) { writer in
                try await writer.write("{\"resourceType\":")
                throw CancellationError()
            }
        case .createThenStall(let delay):
            let response = file(recorded, honourConditional: false)
            try? await Task.sleep(for: delay)
            return response
        }
    }

    /// The resource in a create: the body itself, or a transaction Bundle's first entry.
    static func resource(in body: [UInt8]) -> [String: Any]? {
        guard let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return nil }
        if json["resourceType"] as? String == "Bundle" {
            return ((json["entry"] as? [[String: Any]])?.first?["resource"]) as? [String: Any]
        }
        return json
    }

    static func gatewayIdentifier(_ resource: [String: Any]) -> String? {
        (resource["identifier"] as? [[String: Any]])?.first { ($0["system"] as? String)?.hasSuffix("/sid/outbound-message") == true }?["value"] as? String
    }

    private func file(_ request: Recorded, honourConditional: Bool) -> HTTPResponse {
        guard let resource = Self.resource(in: request.body), let type = resource["resourceType"] as? String,
              let identifier = Self.gatewayIdentifier(resource) else {
            return HTTPResponse(status: 400, headers: ["Content-Type": "application/fhir+json"], body: Self.outcome("no identifier"))
        }
        let label = ((resource["payload"] as? [[String: Any]])?.first?["contentString"]) as? String
        let isTransaction = request.path == "/fhir" || request.path == "/fhir/"
        let (filed, created) = state.withLock { state -> (Filed, Bool) in
            if honourConditional, let existing = state.filed.first(where: { $0.type == type && $0.identifier == identifier }) {
                return (existing, false)
            }
            let filed = Filed(type: type, id: String(state.filed.count + 1), identifier: identifier, label: label)
            state.filed.append(filed)
            return (filed, true)
        }
        let location = "\(filed.type)/\(filed.id)/_history/1"
        if isTransaction {
            let body = """
                {"resourceType":"Bundle","type":"transaction-response","entry":[{"response":{"status":"\(created ? "201 Created" : "200 OK")","location":"\(location)","etag":"W/\\"1\\""}}]}
                """
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/fhir+json"], body: body)
        }
        return HTTPResponse(status: created ? 201 : 200, headers: ["Location": "http://receiver/fhir/" + location, "ETag": "W/\"1\""])
    }

    private func search(_ request: Recorded) -> HTTPResponse {
        let type = request.path.split(separator: "/").last.map(String.init) ?? ""
        let query = (request.query ?? "").removingPercentEncoding ?? ""
        let value = query.split(separator: "|", maxSplits: 1).last.map(String.init) ?? ""
        let matches = filed.filter { $0.type == type && $0.identifier == value }
        let entries = matches.map { "{\"resource\":{\"resourceType\":\"\($0.type)\",\"id\":\"\($0.id)\",\"meta\":{\"versionId\":\"1\"}}}" }
        let body = "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":\(matches.count),\"entry\":[\(entries.joined(separator: ","))]}"
        return HTTPResponse(status: 200, headers: ["Content-Type": "application/fhir+json"], body: body)
    }

    static func outcome(_ text: String) -> String {
        "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"invalid\",\"diagnostics\":\"\(text)\"}]}"
    }
}

extension LoopbackServer {
    /// A receiver's server on a port chosen by the system (or the one given).
    static func start(
        port: Int = 0, handler: @escaping @Sendable (HTTPRequest) async -> HTTPResponse
    ) async throws -> LoopbackServer {
        let configuration = HTTPServerConfiguration(host: "127.0.0.1", port: port, eventLoopCount: 1)
        return try await start(HTTPServer(configuration: configuration) { request, _ in await handler(request) })
    }

    static func start(_ receiver: ScriptedReceiver, port: Int = 0) async throws -> LoopbackServer {
        try await start(port: port) { await receiver.handle($0) }
    }

    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)/fhir")! }
}
