/// One client connection. Confined to the thread of its event loop: only that loop reads or
/// writes these fields, which is why it is a plain class with no locking.
final class Connection {
    enum Phase {
        /// Between requests, no byte of the next one yet (idle deadline).
        case idle
        /// Some bytes of a request head have arrived (header deadline).
        case readingHead
        /// The head is complete, the body is arriving (body deadline).
        case readingBody
        /// The request is with the handler; nothing more is parsed until it answers.
        case awaitingResponse
        /// The handler is streaming the body of its answer.
        case streaming
        /// The last response is queued; close once it is written.
        case closing
        /// Write side shut down; unread input is discarded until EOF or the linger deadline.
        case lingering
    }

    let id: UInt64
    let fd: Int32
    let remote: String
    /// False for connections refused over the connection cap: they do not count against it.
    let counted: Bool
    var parser: HTTPRequestParser
    var phase: Phase = .idle
    var input: [UInt8] = []
    var inputStart = 0
    var output: [UInt8] = []
    var outputStart = 0
    /// Deadline of the current phase in monotonic nanoseconds; 0 for none.
    var deadline: UInt64 = 0
    /// Deadline for write progress while output is pending; 0 for none.
    var writeDeadline: UInt64 = 0
    var head: HTTPRequestHead?
    var body: [UInt8] = []
    var requestStart: UInt64 = 0
    var requestCount = 0
    var peerClosed = false
    var isClosed = false
    /// A streamed response for HEAD or a bodiless status: chunks are acknowledged and dropped.
    var streamSkipsBody = false
    var keepAliveAfterStream = false
    var streamChunked = false
    var streamStatus = 200
    var task: Task<Void, Never>?
    var flushWaiters: [CheckedContinuation<Void, any Error>] = []

    init(id: UInt64, fd: Int32, remote: String, counted: Bool, limits: HTTPParserLimits) {
        self.id = id
        self.fd = fd
        self.remote = remote
        self.counted = counted
        self.parser = HTTPRequestParser(limits: limits)
    }

    var unconsumedInput: Int { input.count - inputStart }
    var pendingOutput: Int { output.count - outputStart }

    func compactInput() {
        if inputStart == input.count {
            input.removeAll(keepingCapacity: input.capacity <= 256 * 1024)
            inputStart = 0
        } else if inputStart > 16 * 1024 || inputStart > input.count / 2 {
            input.removeFirst(inputStart)
            inputStart = 0
        }
    }
}
