/// Answers requests. Called off the event loop, on the concurrency pool; a connection waits for
/// the answer before it reads the next request, so answers go out in request order.
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest, context: RequestContext) async -> HTTPResponse
}

/// What the server knows about a request besides its bytes.
public struct RequestContext: Sendable {
    /// Unique for the life of the server process.
    public var connectionID: UInt64
    /// The peer's address and port, e.g. `127.0.0.1:51234` or `[::1]:51234`.
    public var remoteAddress: String
    /// 1 for the first request on the connection.
    public var requestNumber: Int
    /// When the first byte of the request arrived.
    public var receivedAt: ContinuousClock.Instant

    public init(connectionID: UInt64, remoteAddress: String, requestNumber: Int, receivedAt: ContinuousClock.Instant) {
        self.connectionID = connectionID
        self.remoteAddress = remoteAddress
        self.requestNumber = requestNumber
        self.receivedAt = receivedAt
    }
}

/// A responder made from a closure, for tests and small servers.
public struct HTTPClosureResponder: HTTPResponder {
    let closure: @Sendable (HTTPRequest, RequestContext) async -> HTTPResponse

    public init(_ closure: @escaping @Sendable (HTTPRequest, RequestContext) async -> HTTPResponse) {
        self.closure = closure
    }

    public func respond(to request: HTTPRequest, context: RequestContext) async -> HTTPResponse {
        await closure(request, context)
    }
}
