import HTTPServer

/// The rest of the chain, as a middleware sees it: call it to pass the request on.
public typealias APINext = @Sendable (HTTPRequest, RequestContext) async -> HTTPResponse

/// A step every request goes through before it is routed: the place for authentication (a
/// bearer-token check that answers 401 with an OperationOutcome), audit or rate limits.
///
/// Middleware run in the order given to ``FHIRAPI``; each either answers itself or calls `next`
/// (possibly with a changed request), like Hummingbird's `RouterMiddleware`.
public protocol APIMiddleware: Sendable {
    func respond(to request: HTTPRequest, context: RequestContext, next: APINext) async -> HTTPResponse
}
