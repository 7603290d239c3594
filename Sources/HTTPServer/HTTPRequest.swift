/// A complete request as a handler sees it: the head and the whole body, already de-chunked.
///
/// Headers and body may hold patient data: log the method and ``path`` only.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The request target exactly as sent.
    public var target: String
    /// The path part of the target, percent-encoded as sent.
    public var path: String
    /// The query without `?`, percent-encoded as sent; nil when absent.
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(
        method: String, target: String, version: HTTPVersion = .http1_1, headers: HTTPHeaders = [:],
        body: [UInt8] = []
    ) {
        self.method = method
        self.target = target
        let (path, query) = HTTPRequestParser.splitTarget(Array(target.utf8), method: method) ?? (target, nil)
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
    }

    init(head: HTTPRequestHead, body: [UInt8]) {
        method = head.method
        target = head.target
        path = head.path
        query = head.query
        version = head.version
        headers = head.headers
        self.body = body
    }
}
