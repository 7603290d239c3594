import GatewayStore
import HTTPServer

/// One audit event per request under the FHIR base, written after the response is decided, in a
/// unit of work of its own: a refused write rolled back, and its audit event is still written.
/// A transaction that commits carries its audit event in its own unit of work instead
/// (`eventForUnitOfWork`), which saves the second commit, and its fsync, on the hot path; the
/// event is then not written again unless the answer turned out other than the one committed.
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
            observation.audited.store(true, ordering: .relaxed)
            let response = await next(request, context)
            if observation.committedAudit.withLock({ $0?.outcome }) == String(response.status) { return response }
            let access = observation.access
            let event = Self.event(
                observation, status: response.status, resourceId: access.resourceId ?? Self.createdID(response, type: access.resourceType))
            do {
                _ = try await store.writeAsync { try $0.appendAudit(event) }
            } catch {
                log("audit write failed: \(access.interaction) \(response.status): \(type(of: error))")
            }
            return response
        }
    }

    static func event(_ observation: RequestObservation, status: Int, resourceId: String?) -> AuditEvent {
        AuditEvent(
            time: StoreTimestamp.now(), actor: observation.client ?? "anonymous", action: observation.access.interaction,
            resourceType: observation.access.resourceType, resourceId: resourceId, outcome: String(status))
    }

    /// The audit event a handler appends to the unit of work that carries the request's writes,
    /// answered `status` if it commits; nil when no audit middleware runs. Call
    /// `committed(_:)` once the unit of work has committed.
    static func eventForUnitOfWork(status: Int, resourceId: String? = nil) -> AuditEvent? {
        guard let observation = RequestObservation.current, observation.audited.load(ordering: .relaxed) else { return nil }
        return event(observation, status: status, resourceId: resourceId ?? observation.access.resourceId)
    }

    static func committed(_ event: AuditEvent?) {
        guard let event, let observation = RequestObservation.current else { return }
        observation.committedAudit.withLock { $0 = event }
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
