/// Where to listen, and every limit and deadline the server enforces.
public struct HTTPServerConfiguration: Sendable {
    /// A numeric address (`127.0.0.1`, `::1`, `0.0.0.0`, `::`) or a host name.
    public var host: String
    /// 0 asks the kernel for an ephemeral port; the chosen one is reported to `run(onListening:)`.
    public var port: Int
    public var backlog: Int32
    /// `SO_REUSEADDR`, so a restarted gateway can bind while old connections sit in TIME_WAIT.
    public var reuseAddress: Bool
    /// Threads that run the poll loops (the first also accepts). Handlers run elsewhere.
    public var eventLoopCount: Int
    public var parserLimits: HTTPParserLimits
    /// Open connections beyond this are accepted, answered 503 with `Retry-After`, and closed.
    public var maxConnections: Int
    /// Requests being handled at once, over all connections; beyond it, 503 with `Retry-After`.
    public var maxInFlightRequests: Int
    /// The `Retry-After` seconds sent with 503.
    public var retryAfterSeconds: Int
    /// From the first byte of a request to the end of its header section (slowloris guard); 408.
    public var headerTimeout: Duration
    /// From the end of the header section to the end of the body; 408.
    public var bodyTimeout: Duration
    /// How long a connection may wait between requests (and a new one for its first byte); 408.
    public var idleTimeout: Duration
    /// A response that makes no write progress for this long is abandoned and the connection closed.
    public var writeTimeout: Duration
    /// After the last response on a connection, how long unread input is drained before close,
    /// so the close does not turn into a reset that destroys the response (RFC 9112 §9.6).
    public var lingerTimeout: Duration
    /// Input held for pipelined requests while one is being handled; reading pauses beyond it.
    public var maxBufferedInput: Int
    /// Output queued on a connection before the server stops reading pipelined requests.
    public var maxBufferedOutput: Int
    /// Sent as `Server`; nil sends none.
    public var serverName: String?
    /// Called once per response (or refused request) with no header values and no body.
    public var accessLog: (@Sendable (HTTPAccessLogRecord) -> Void)?

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        backlog: Int32 = 512,
        reuseAddress: Bool = true,
        eventLoopCount: Int = 2,
        parserLimits: HTTPParserLimits = HTTPParserLimits(),
        maxConnections: Int = 2048,
        maxInFlightRequests: Int = 64,
        retryAfterSeconds: Int = 1,
        headerTimeout: Duration = .seconds(10),
        bodyTimeout: Duration = .seconds(60),
        idleTimeout: Duration = .seconds(60),
        writeTimeout: Duration = .seconds(30),
        lingerTimeout: Duration = .seconds(2),
        maxBufferedInput: Int = 64 * 1024,
        maxBufferedOutput: Int = 256 * 1024,
        serverName: String? = nil,
        accessLog: (@Sendable (HTTPAccessLogRecord) -> Void)? = nil
    ) {
        self.host = host
        self.port = port
        self.backlog = backlog
        self.reuseAddress = reuseAddress
        self.eventLoopCount = max(1, eventLoopCount)
        self.parserLimits = parserLimits
        self.maxConnections = maxConnections
        self.maxInFlightRequests = maxInFlightRequests
        self.retryAfterSeconds = retryAfterSeconds
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.writeTimeout = writeTimeout
        self.lingerTimeout = lingerTimeout
        self.maxBufferedInput = maxBufferedInput
        self.maxBufferedOutput = maxBufferedOutput
        self.serverName = serverName
        self.accessLog = accessLog
    }
}
