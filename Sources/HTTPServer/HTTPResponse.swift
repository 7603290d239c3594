/// What a handler answers. The server frames it: it sets `Content-Length` (or chunked coding
/// for a streamed body), `Connection` and `Date` itself and drops any handler value for them,
/// so a handler cannot produce an ambiguous message.
public struct HTTPResponse: Sendable {
    public enum Body: Sendable {
        /// The whole body, sent with `Content-Length`.
        case bytes([UInt8])
        /// A body produced while it is sent: chunked on HTTP/1.1, close-delimited on HTTP/1.0.
        /// Throwing from the producer aborts the connection, so the client sees a truncated message.
        case stream(@Sendable (HTTPResponseBodyWriter) async throws -> Void)
    }

    public var status: Int
    public var headers: HTTPHeaders
    public var body: Body

    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = .bytes(body)
    }

    public init(status: Int, headers: HTTPHeaders = [:], body: String) {
        self.init(status: status, headers: headers, body: Array(body.utf8))
    }

    public init(
        status: Int, headers: HTTPHeaders = [:],
        stream: @escaping @Sendable (HTTPResponseBodyWriter) async throws -> Void
    ) {
        self.status = status
        self.headers = headers
        self.body = .stream(stream)
    }

    /// The reason phrase the server sends for a status (RFC 9110 §15; clients must ignore it).
    public static func reasonPhrase(for status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 410: "Gone"
        case 412: "Precondition Failed"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 417: "Expectation Failed"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }
}

/// Writes the parts of a streamed response body. `write` returns once the bytes are handed to
/// the socket, which is the back-pressure: a slow client slows the producer down.
public struct HTTPResponseBodyWriter: Sendable {
    let loop: EventLoop
    let connectionID: UInt64

    /// Throws ``HTTPServerError/connectionClosed`` when the client is gone.
    public func write(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            loop.submit(.streamChunk(connectionID: connectionID, bytes: bytes, continuation: continuation))
        }
    }

    public func write(_ string: String) async throws {
        try await write(Array(string.utf8))
    }
}
