#if canImport(Glibc)
import Glibc
#endif

/// Reading, parsing and dispatching on one connection.
extension EventLoop {
    func wantsRead(_ connection: Connection) -> Bool {
        switch connection.phase {
        case .lingering: true
        case .closing: false
        case .idle, .readingHead, .readingBody, .awaitingResponse, .streaming:
            !connection.peerClosed && connection.unconsumedInput < configuration.maxBufferedInput
        }
    }

    func onReadable(_ connection: Connection, _ now: UInt64) {
        guard wantsRead(connection) else {
            // POLLHUP or POLLERR while we were not reading: the peer is gone both ways.
            closeNow(connection)
            return
        }
        let count = read(connection.fd, scratch.baseAddress, scratch.count)
        if count < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return }
            closeNow(connection)
            return
        }
        if count == 0 {
            connection.peerClosed = true
            switch connection.phase {
            case .lingering, .idle, .readingHead, .readingBody:
                // A request cut short has nobody to answer to.
                closeNow(connection)
            case .awaitingResponse, .streaming, .closing:
                break  // answer what is in hand, then close
            }
            return
        }
        if connection.phase == .lingering { return }  // discarded
        connection.input.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<count]))
        process(connection, now)
    }

    func onWritable(_ connection: Connection, _ now: UInt64) {
        flush(connection, now)
        if !connection.isClosed && connection.phase == .idle { process(connection, now) }
    }

    /// Runs the parser over buffered input until a request is complete, input runs out, or the
    /// connection must wait (handler busy, output backed up).
    func process(_ connection: Connection, _ now: UInt64) {
        parsing: while !connection.isClosed {
            switch connection.phase {
            case .idle:
                guard connection.unconsumedInput > 0 else { break parsing }
                guard connection.pendingOutput <= configuration.maxBufferedOutput else { break parsing }
                connection.phase = .readingHead
                connection.requestStart = now
                connection.deadline = now + configuration.headerTimeout.nanoseconds
            case .readingHead, .readingBody:
                break
            default:
                break parsing
            }
            let start = connection.inputStart
            let step = connection.input.withUnsafeBytes { buffer in
                connection.parser.parse(UnsafeRawBufferPointer(rebasing: buffer[start...]))
            }
            connection.inputStart += step.consumed
            guard let event = step.event else { break }
            switch event {
            case .head(let head):
                connection.head = head
                connection.body = []
                if head.hasBody {
                    connection.phase = .readingBody
                    connection.deadline = now + configuration.bodyTimeout.nanoseconds
                    if head.expectsContinue {
                        connection.output.append(contentsOf: ResponseEncoder.continueResponse)
                        flush(connection, now)
                    }
                }
            case .body(let bytes):
                connection.body.append(contentsOf: bytes)
            case .end:
                dispatch(connection, now)
            case .error(let error):
                respondSimple(connection, status: error.status, keepAlive: false, outcome: .parseError(error.kind), now)
            }
        }
        guard !connection.isClosed else { return }
        connection.compactInput()
        if connection.peerClosed {
            switch connection.phase {
            case .idle, .readingHead, .readingBody:
                connection.phase = .closing
                if connection.pendingOutput == 0 { startLinger(connection, now) }
            default:
                break
            }
        }
    }

    private func dispatch(_ connection: Connection, _ now: UInt64) {
        guard let head = connection.head else { return }
        let request = HTTPRequest(head: head, body: connection.body)
        connection.body = []
        connection.requestCount += 1
        connection.phase = .awaitingResponse
        connection.deadline = 0
        let admitted = core.inFlightRequests.add(1, ordering: .relaxed).newValue
        if admitted > configuration.maxInFlightRequests {
            core.inFlightRequests.subtract(1, ordering: .relaxed)
            respondSimple(connection, status: 503, keepAlive: head.keepAlive, outcome: .overloaded, now)
            return
        }
        let age = Duration.nanoseconds(Int64(now - connection.requestStart))
        let context = RequestContext(
            connectionID: connection.id, remoteAddress: connection.remote, requestNumber: connection.requestCount,
            receivedAt: ContinuousClock.now - age)
        let id = connection.id
        let core = self.core
        connection.task = Task { [self] in
            let response = await core.responder.respond(to: request, context: context)
            switch response.body {
            case .bytes:
                // Released before the answer is queued, so a client that sends its next request
                // the moment it reads this answer is not refused by its own finished request.
                core.inFlightRequests.subtract(1, ordering: .relaxed)
                submit(.response(connectionID: id, response: response))
            case .stream(let produce):
                submit(.streamHead(connectionID: id, status: response.status, headers: response.headers))
                do {
                    try await produce(HTTPResponseBodyWriter(loop: self, connectionID: id))
                    submit(.streamEnd(connectionID: id))
                } catch {
                    submit(.streamAbort(connectionID: id))
                }
                core.inFlightRequests.subtract(1, ordering: .relaxed)
            }
        }
    }

    /// A response the server writes itself: errors, timeouts, overload.
    func respondSimple(
        _ connection: Connection, status: Int, keepAlive: Bool, outcome: HTTPAccessLogRecord.Outcome, _ now: UInt64
    ) {
        let keep = keepAlive && !draining
        let head = connection.head
        connection.output.append(
            contentsOf: ResponseEncoder.simple(
                status: status, keepAlive: keep, retryAfter: status == 503 ? configuration.retryAfterSeconds : nil,
                version: head?.version ?? .http1_1, date: date(), serverName: configuration.serverName))
        logResponse(connection, status: status, outcome: outcome, now)
        finishExchange(connection, keepAlive: keep, now)
    }

    func queueResponse(_ connection: Connection, _ response: HTTPResponse, _ now: UInt64) {
        guard connection.phase == .awaitingResponse, let head = connection.head,
            case .bytes(let body) = response.body
        else { return }
        let keep = head.keepAlive && !draining && !response.headers.hasToken("close", in: "Connection")
        let bodyAllowed = ResponseEncoder.bodyAllowed(status: response.status)
        connection.output.append(
            contentsOf: ResponseEncoder.head(
                status: response.status, headers: response.headers,
                framing: bodyAllowed ? .contentLength(body.count) : .noBody, keepAlive: keep,
                requestVersion: head.version, date: date(), serverName: configuration.serverName))
        if bodyAllowed && head.method != "HEAD" { connection.output.append(contentsOf: body) }
        logResponse(connection, status: response.status, outcome: .handled, now)
        finishExchange(connection, keepAlive: keep, now)
    }

    func startStream(_ connection: Connection, status: Int, headers: HTTPHeaders, _ now: UInt64) {
        guard connection.phase == .awaitingResponse, let head = connection.head else { return }
        let bodyAllowed = ResponseEncoder.bodyAllowed(status: status)
        let chunked = head.version == .http1_1
        let keep = head.keepAlive && !draining && !headers.hasToken("close", in: "Connection") && (chunked || !bodyAllowed)
        let framing: ResponseEncoder.Framing = !bodyAllowed ? .noBody : (chunked ? .chunked : .closeDelimited)
        connection.output.append(
            contentsOf: ResponseEncoder.head(
                status: status, headers: headers, framing: framing, keepAlive: keep, requestVersion: head.version,
                date: date(), serverName: configuration.serverName))
        connection.streamChunked = chunked && bodyAllowed && head.method != "HEAD"
        connection.streamSkipsBody = !bodyAllowed || head.method == "HEAD"
        connection.keepAliveAfterStream = keep
        connection.phase = .streaming
        connection.deadline = 0
        connection.streamStatus = status
        flush(connection, now)
    }

    func writeStreamChunk(
        _ connection: Connection, _ bytes: [UInt8], _ continuation: CheckedContinuation<Void, any Error>, _ now: UInt64
    ) {
        guard connection.phase == .streaming else {
            continuation.resume(throwing: HTTPServerError.connectionClosed)
            return
        }
        if connection.streamSkipsBody {
            continuation.resume()
            return
        }
        connection.output.append(contentsOf: connection.streamChunked ? ResponseEncoder.chunk(bytes) : bytes)
        connection.flushWaiters.append(continuation)
        flush(connection, now)
    }

    func endStream(_ connection: Connection, _ now: UInt64) {
        guard connection.phase == .streaming else { return }
        if connection.streamChunked { connection.output.append(contentsOf: ResponseEncoder.lastChunk) }
        logResponse(connection, status: connection.streamStatus, outcome: .handled, now)
        finishExchange(connection, keepAlive: connection.keepAliveAfterStream, now)
    }

    /// After a response is queued: back to idle for the next request, or on to closing.
    private func finishExchange(_ connection: Connection, keepAlive: Bool, _ now: UInt64) {
        connection.head = nil
        connection.task = nil
        if keepAlive {
            connection.phase = .idle
            connection.deadline = now + configuration.idleTimeout.nanoseconds
        } else {
            connection.phase = .closing
            connection.deadline = 0
        }
        flush(connection, now)
        if !connection.isClosed && connection.phase == .idle { process(connection, now) }
    }

    private func logResponse(
        _ connection: Connection, status: Int, outcome: HTTPAccessLogRecord.Outcome, _ now: UInt64
    ) {
        guard configuration.accessLog != nil else { return }
        let started = connection.requestStart == 0 ? now : connection.requestStart
        core.log(
            HTTPAccessLogRecord(
                connectionID: connection.id, method: connection.head?.method, path: connection.head?.path,
                status: status, duration: .nanoseconds(Int64(now - min(now, started))), outcome: outcome))
    }

    /// Writes as much pending output as the socket takes.
    func flush(_ connection: Connection, _ now: UInt64) {
        while connection.outputStart < connection.output.count {
            let start = connection.outputStart
            let sent = connection.output.withUnsafeBytes { buffer in
                send(connection.fd, buffer.baseAddress! + start, buffer.count - start, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                connection.outputStart += sent
                connection.writeDeadline = now + configuration.writeTimeout.nanoseconds
                continue
            }
            if sent < 0 && errno == EINTR { continue }
            if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                if connection.writeDeadline == 0 {
                    connection.writeDeadline = now + configuration.writeTimeout.nanoseconds
                }
                return
            }
            closeNow(connection)
            return
        }
        connection.output.removeAll(keepingCapacity: connection.output.capacity <= 256 * 1024)
        connection.outputStart = 0
        connection.writeDeadline = 0
        let waiters = connection.flushWaiters
        connection.flushWaiters = []
        for waiter in waiters { waiter.resume() }
        if connection.phase == .closing { startLinger(connection, now) }
    }

    /// Half-closes and discards input until EOF or the linger deadline, so unread request bytes
    /// in the kernel do not turn our close into a reset that destroys the response in flight.
    func startLinger(_ connection: Connection, _ now: UInt64) {
        guard !connection.peerClosed else {
            closeNow(connection)
            return
        }
        shutdown(connection.fd, Int32(SHUT_WR))
        connection.phase = .lingering
        connection.input = []
        connection.inputStart = 0
        connection.deadline = now + configuration.lingerTimeout.nanoseconds
    }

    func closeNow(_ connection: Connection) {
        guard !connection.isClosed else { return }
        connection.isClosed = true
        close(connection.fd)
        if connections[connection.fd] === connection { connections[connection.fd] = nil }
        connectionsByID[connection.id] = nil
        if connection.counted {
            core.openConnections.subtract(1, ordering: .relaxed)
        } else {
            rejecting -= 1
        }
        let waiters = connection.flushWaiters
        connection.flushWaiters = []
        for waiter in waiters { waiter.resume(throwing: HTTPServerError.connectionClosed) }
    }
}
