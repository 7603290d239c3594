import GatewayStore
import HTTPServer

/// One audit event per request under the FHIR base, written after the response is decided, in a
/// unit of work of its own: a refused write rolled back, and its audit event is still written.
///
/// The event holds the client (`anonymous` before authentication), the interaction, the
/// resource type and id from the URL (a created resource's id from its `Location`), the status
/// and the time; never query values, bodies or identifiers. A failed audit write does not
/// change the answer (a committed write cannot be taken back); it is logged.
public struct AuditMiddleware: APIMiddleware {
    let store: any GatewayStore
    let basePath: String
    let log: @Sendable (String) -> Void

    public init(store: any GatewayStore, basePath: String = "/fhir", log: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.basePath = basePath
        self.log = log
    }

    public func respond(to request: HTTPRequest, context: RequestContext, next: APINext) async -> HTTPResponse {
        await RequestObservation.within(request, basePath: basePath) { observation in
            let response = await next(request, context)
            let access = observation.access
            let event = AuditEvent(
                time: StoreTimestamp.now(), actor: observation.client ?? "anonymous", action: access.interaction,
                resourceType: access.resourceType,
                resourceId: access.resourceId ?? Self.createdID(response, type: access.resourceType),
                outcome: String(response.status))
            do {
                _ = try await store.writeAsync { try $0.appendAudit(event) }
            } catch {
                log("audit write failed: \(access.interaction) \(response.status): \(type(of: error))")
            }
            return response
        }
    }

    /// The id in a create's `Location` (`…/Type/id/_history/1`).
    static func createdID(_ response: HTTPResponse, type: String?) -> String? {
        guard response.status == 201 || response.status == 200, let type,
              let location = response.headers["Location"] else { return nil }
        let segments = location.split(separator: "/")
        guard let typeIndex = segments.lastIndex(where: { $0 == type }), typeIndex + 1 < segments.count else { return nil }
        return String(segments[typeIndex + 1])
    }
}
