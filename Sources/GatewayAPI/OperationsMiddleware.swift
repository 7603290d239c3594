import Foundation
import GatewayStore
import HTTPServer

/// The operator's side of the gateway, outermost in the chain, with no token:
/// - `GET /healthz`: 200 while the process runs;
/// - `GET /readyz`: 200 when the store answers a read and its migrations are done, else 503;
/// - `GET /metrics`: ``GatewayMetrics`` in the Prometheus text format;
///
/// and, for every other request, its metrics and one JSON access-log line (time, connection,
/// method, path, status, interaction, resource type, client, duration): never the query, a
/// header value or a body.
public struct OperationsMiddleware: APIMiddleware {
    let store: any GatewayStore
    let metrics: GatewayMetrics
    let basePath: String
    let migrationsDone: @Sendable () throws -> Bool
    let accessLog: @Sendable (String) -> Void

    /// - Parameters:
    ///   - migrationsDone: whether the store's schema is at the version this build expects.
    ///   - accessLog: called with one JSON line per request.
    public init(
        store: any GatewayStore, metrics: GatewayMetrics, basePath: String = "/fhir",
        migrationsDone: @escaping @Sendable () throws -> Bool = { true },
        accessLog: @escaping @Sendable (String) -> Void
    ) {
        self.store = store
        self.metrics = metrics
        self.basePath = basePath
        self.migrationsDone = migrationsDone
        self.accessLog = accessLog
    }

    public static let operationPaths: Set<String> = ["/healthz", "/readyz", "/metrics"]

    public func respond(to request: HTTPRequest, context: RequestContext, next: APINext) async -> HTTPResponse {
        if Self.operationPaths.contains(request.path) {
            let response = await operation(request)
            finish(request, context: context, response: response, access: RequestAccess(interaction: "operations"), client: nil)
            return response
        }
        let observation = RequestObservation(access: RequestAccess.analyse(request, basePath: basePath))
        let response = await RequestObservation.$current.withValue(observation) { await next(request, context) }
        finish(request, context: context, response: response, access: observation.access, client: observation.client)
        return response
    }

    func operation(_ request: HTTPRequest) async -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            return HTTPResponse(status: 405, headers: ["Allow": "GET, HEAD"], body: [])
        }
        let text: String
        let status: Int
        switch request.path {
        case "/healthz":
            (status, text) = (200, "ok\n")
        case "/readyz":
            let ready = (try? await store.readAsync { reader in _ = try reader.queueDepth() }) != nil
                && ((try? migrationsDone()) ?? false)
            (status, text) = ready ? (200, "ready\n") : (503, "not ready\n")
        default:
            let delivery = try? await store.readAsync { reader in
                GatewayMetrics.Delivery(outbox: try reader.outboxStatistics(), routes: try reader.outboundRouteStates())
            }
            (status, text) = (200, metrics.render(delivery: delivery))
        }
        let contentType = request.path == "/metrics" ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain; charset=utf-8"
        var headers: HTTPHeaders = ["Content-Type": contentType, "Cache-Control": "no-store"]
        if status == 503 { headers.add(name: "Retry-After", value: "1") }
        return HTTPResponse(status: status, headers: headers, body: request.method == "HEAD" ? [] : Array(text.utf8))
    }

    private func finish(
        _ request: HTTPRequest, context: RequestContext, response: HTTPResponse, access: RequestAccess, client: String?
    ) {
        let duration = ContinuousClock.now - context.receivedAt
        metrics.record(interaction: access.interaction, status: response.status, duration: duration)
        accessLog(Self.logLine(request, context: context, status: response.status, access: access, client: client, duration: duration))
    }

    static func logLine(
        _ request: HTTPRequest, context: RequestContext, status: Int, access: RequestAccess, client: String?, duration: Duration
    ) -> String {
        var fields: [String: Any] = [
            "time": StoreTimestamp.now().fhirInstant, "conn": context.connectionID, "req": context.requestNumber,
            "method": request.method, "path": request.path, "status": status, "interaction": access.interaction,
            "ms": ((Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15) * 1000).rounded() / 1000,
        ]
        if let type = access.resourceType { fields["type"] = type }
        if let client { fields["client"] = client }
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
