import FHIRCore
import GatewayIntake
import GatewayStore
import HTTPServer

/// A request the API refuses, with the status it is refused with and the issues that explain
/// it. Rendered as an OperationOutcome in the negotiated format (FHIR R4 http.html §3.1.0.4:
/// "servers SHOULD return an OperationOutcome" with every error).
struct APIError: Error, Sendable {
    var status: Int
    var issues: [Issue]
    var headers: HTTPHeaders = [:]

    init(_ status: Int, _ issues: [Issue], headers: HTTPHeaders = [:]) {
        self.status = status
        self.issues = issues
        self.headers = headers
    }

    init(_ status: Int, _ code: IssueType, _ message: String, expression: String? = nil) {
        self.init(status, [Issue(.error, code, message, expression: expression)])
    }

    /// The status for a problem the intake found with what a write asks for.
    init(_ error: IntakeError) {
        self.init(Self.status(for: error.code), [error.issue])
    }

    static func status(for code: IssueType) -> Int {
        switch code {
        case .multipleMatches, .conflict: 412
        case .duplicate: 409
        case .notFound: 404
        case .transient: 503
        case .exception: 500
        default: 400
        }
    }

    /// A store failure that the client can act on, or nil for one that is an internal error
    /// (answered 500 with an incident id; `FHIRAPI.incident`).
    static func from(_ error: StoreError) -> APIError? {
        switch error {
        case .conflict:
            APIError(412, .conflict, "the resource's current version is not the one If-Match names")
        case .duplicate: APIError(409, .duplicate, "a resource with this id already exists")
        case .notFound: APIError(404, .notFound, "the resource does not exist")
        case .busy:
            APIError(503, [Issue(.error, .transient, "the store is busy; retry")], headers: ["Retry-After": "1"])
        default: nil
        }
    }

    /// The first error issue decides nothing; the status does. Issues with no error are
    /// kept as they are (a refusal can carry warnings too).
    static func badRequest(_ issues: [Issue]) -> APIError {
        // A document over the reader's size limit is "too large", not malformed.
        if issues.contains(where: { $0.code == .tooLong && $0.expression == nil && $0.isError }) {
            return APIError(413, issues)
        }
        return APIError(400, issues)
    }
}
