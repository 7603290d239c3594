import FHIRCore
import FHIRJSON
import FHIRXML
import Foundation
import GatewayStore
import HTTPServer

/// One thing a request needs a scope for: an interaction on a resource type, for the request
/// itself or for one entry of a transaction or batch Bundle.
struct AccessNeed: Sendable, Hashable {
    enum Requirement: Sendable, Hashable {
        case interaction(ResourceInteraction)
        /// Any scope on the type (`$validate`, which stores and reveals nothing).
        case anyOnType
    }

    var resourceType: String
    var requirement: Requirement
    /// The entry of a Bundle (`Bundle.entry[i]`), nil for the request itself.
    var entryIndex: Int?
    /// The entry's HTTP method, for the message naming it.
    var method: String?

    /// The narrowest scope that grants it, for the 403's message.
    var scopeText: String {
        switch requirement {
        case .interaction(let interaction): "system/\(resourceType).\(interaction.rawValue)"
        case .anyOnType: "a system/\(resourceType) scope"
        }
    }
}

/// What a request is, as authorization, audit, metrics and the access log see it: a FHIR
/// interaction, the type and id from the URL, and the scopes it needs. Built from the method,
/// the path and (for a Bundle) each entry's `request`; never from query values or resource
/// content, so nothing in it is patient data.
struct RequestAccess: Sendable, Hashable {
    /// `capabilities`, `read`, `vread`, `history`, `search`, `create`, `update`, `delete`,
    /// `validate`, `transaction`, `batch`, `bundle` (unreadable), `unknown`, `operations`.
    var interaction: String
    var resourceType: String?
    var resourceId: String?
    var needs: [AccessNeed] = []
    /// No token needed (`/metadata`: FHIR clients read it before they authenticate).
    var isPublic = false

    static func analyse(_ request: HTTPRequest, basePath: String) -> RequestAccess {
        guard let route = FHIRRoute(path: request.path, basePath: basePath) else {
            return RequestAccess(interaction: "unknown")
        }
        let method = request.method == "HEAD" ? "GET" : request.method
        func single(_ interaction: String, _ type: String, _ id: String?, _ need: AccessNeed.Requirement) -> RequestAccess {
            RequestAccess(
                interaction: interaction, resourceType: type, resourceId: id,
                needs: [AccessNeed(resourceType: type, requirement: need)])
        }
        switch (route, method) {
        case (.metadata, "GET"): return RequestAccess(interaction: "capabilities", isPublic: true)
        case (.base, "POST"): return bundle(request)
        case (.type(let type), "GET"): return single("search", type, nil, .interaction(.search))
        case (.type(let type), "POST"): return single("create", type, nil, .interaction(.create))
        case (.typeOperation(let type, "_search"), "POST"): return single("search", type, nil, .interaction(.search))
        case (.typeOperation(let type, "$validate"), "POST"): return single("validate", type, nil, .anyOnType)
        case (.instanceOperation(let type, let id, "$validate"), "POST"): return single("validate", type, id, .anyOnType)
        case (.instance(let type, let id), "GET"): return single("read", type, id, .interaction(.read))
        case (.instance(let type, let id), "PUT"): return single("update", type, id, .interaction(.update))
        case (.instance(let type, let id), "PATCH"): return single("patch", type, id, .interaction(.update))
        case (.type(let type), "PUT"): return single("update", type, nil, .interaction(.update))
        case (.type(let type), "DELETE"): return single("delete", type, nil, .interaction(.delete))
        case (.typeHistory(let type), "GET"): return single("history", type, nil, .interaction(.read))
        // System history lists only the types the client may read (FHIRAPI.systemHistory).
        case (.systemHistory, "GET"): return RequestAccess(interaction: "history")
        case (.instance(let type, let id), "DELETE"): return single("delete", type, id, .interaction(.delete))
        case (.history(let type, let id), "GET"): return single("history", type, id, .interaction(.read))
        case (.version(let type, let id, _), "GET"): return single("vread", type, id, .interaction(.read))
        default: return RequestAccess(interaction: "unknown")
        }
    }

    /// A transaction or batch needs the scopes of every entry (FHIR R4 http.html §3.1.0.11:
    /// each entry is processed as if it were sent on its own). A body that cannot be read needs
    /// nothing here: the API refuses it with 400 before anything is stored.
    static func bundle(_ request: HTTPRequest) -> RequestAccess {
        let format = ContentNegotiation.requestFormat(contentType: request.headers["Content-Type"])
        let result = format == .xml
            ? FHIRXMLReader(mode: .lenient).read(request.body) : FHIRJSONReader(mode: .lenient).read(request.body)
        guard let bundle = result.resource, bundle.resourceType == "Bundle",
              let type = bundle.child("type")?.value, type == "transaction" || type == "batch"
        else { return RequestAccess(interaction: "bundle") }
        var needs: [AccessNeed] = []
        for (index, entry) in bundle.children("entry").enumerated() {
            guard let method = entry.child("request")?.child("method")?.value,
                  let url = entry.child("request")?.child("url")?.value
            else { continue }
            let (urlType, hasInstance) = Self.entryTarget(url)
            guard let resourceType = urlType ?? entry.child("resource")?.resourceType else { continue }
            let interaction: ResourceInteraction? = switch method {
            case "POST": .create
            case "PUT", "PATCH": .update
            case "DELETE": .delete
            case "GET", "HEAD": hasInstance ? .read : .search
            default: nil
            }
            guard let interaction else { continue }
            needs.append(AccessNeed(resourceType: resourceType, requirement: .interaction(interaction), entryIndex: index, method: method))
        }
        return RequestAccess(interaction: type, needs: needs)
    }

    /// The resource type an entry's `request.url` names, and whether it names an instance
    /// (`Patient/123`, `Patient/123/_history`) rather than the type (`Patient`, `Patient?…`).
    static func entryTarget(_ url: String) -> (type: String?, instance: Bool) {
        var path = Substring(url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        if let scheme = path.range(of: "://") {
            // An absolute URL: keep what follows the FHIR base, i.e. the last `Type[/id…]` part.
            let segments = path[scheme.upperBound...].split(separator: "/")
            guard let typeIndex = segments.lastIndex(where: { SMARTScope.isResourceTypeName(String($0)) }) else { return (nil, false) }
            path = segments[typeIndex...].joined(separator: "/")[...]
        }
        let segments = path.split(separator: "/")
        guard let first = segments.first, SMARTScope.isResourceTypeName(String(first)) else { return (nil, false) }
        return (String(first), segments.count > 1 && !segments[1].hasPrefix("$") && segments[1] != "_search")
    }
}

/// What the middleware learn about a request, shared down the chain through a task-local:
/// the request's ``RequestAccess`` (worked out once) and, once authenticated, the client.
final class RequestObservation: Sendable {
    @TaskLocal static var current: RequestObservation?

    let access: RequestAccess
    private let clientName = Mutex<String?>(nil)
    private let authenticatedClient = Mutex<APIClient?>(nil)
    /// Set by `AuditMiddleware`: the audit event is wanted, and may go into the request's own
    /// unit of work (see `AuditMiddleware.eventForUnitOfWork`).
    let audited = Atomic<Bool>(false)
    /// The audit event committed together with the request's writes, if one was.
    let committedAudit = Mutex<AuditEvent?>(nil)

    init(access: RequestAccess) {
        self.access = access
    }

    var client: String? {
        get { clientName.withLock { $0 } }
        set { clientName.withLock { $0 = newValue } }
    }

    /// The client the token belongs to, once authenticated: what it may read decides which
    /// `_include`d and `_revinclude`d resources a search returns.
    var authenticated: APIClient? {
        get { authenticatedClient.withLock { $0 } }
        set { authenticatedClient.withLock { $0 = newValue } }
    }

    /// Runs `body` with the observation of this request: the one an outer middleware made, or a
    /// new one (a middleware used on its own still works).
    static func within(
        _ request: HTTPRequest, basePath: String, _ body: (RequestObservation) async -> HTTPResponse
    ) async -> HTTPResponse {
        if let current { return await body(current) }
        let observation = RequestObservation(access: RequestAccess.analyse(request, basePath: basePath))
        return await $current.withValue(observation) { await body(observation) }
    }
}

import Synchronization
