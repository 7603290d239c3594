#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// One thread running `poll(2)` over its share of the connections.
///
/// Why poll and not epoll: the toolchain's Glibc module does not export `<sys/epoll.h>`, and
/// this target may not add a C shim. `poll` costs O(n) per wake-up in the number of
/// connections of the loop, which at the gateway's scale (hundreds to a few thousand
/// connections, most idle) is microseconds: with 1,000 idle connections open, a new request
/// was answered in about 4 ms end to end (test `thousandIdle`). Swapping in epoll later (it
/// needs a one-header C shim target) only touches `run()`.
///
/// Threading: ``submit(_:)`` is the only entry from other threads (it takes the mutex and
/// writes the wake pipe). Everything else, including every ``Connection``, is touched only
/// by the loop's thread, which is why the class is `@unchecked Sendable`.
final class EventLoop: @unchecked Sendable {
    struct Inbox {
        var messages: [LoopMessage] = []
        var stopped = false
    }

    let index: Int
    let core: ServerCore
    let wakeRead: Int32
    let wakeWrite: Int32
    let inbox = Mutex<Inbox>(Inbox())

    // Loop-thread state from here on.
    var listener: Int32 = -1
    var acceptPausedUntil: UInt64 = 0
    var connections: [Int32: Connection] = [:]
    var connectionsByID: [UInt64: Connection] = [:]
    var draining = false
    var drainDeadline: UInt64 = 0
    var rejecting = 0
    var peers: [EventLoop] = []
    var nextPeer = 0
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    var cachedDateSecond = -1
    var cachedDate = ""

    var configuration: HTTPServerConfiguration { core.configuration }

    init(index: Int, core: ServerCore) {
        self.index = index
        self.core = core
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) != 0 { fatalError("pipe() failed: errno \(errno)") }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            Socket.setNonBlocking(fd)
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
    }

    deinit {
        // Closed only here: a late `submit` from a handler must never write to a reused descriptor.
        close(wakeRead)
        close(wakeWrite)
        scratch.deallocate()
    }

    /// Hands work to the loop from any thread.
    func submit(_ message: LoopMessage) {
        let accepted = inbox.withLock { inbox -> Bool in
            guard !inbox.stopped else { return false }
            inbox.messages.append(message)
            return true
        }
        guard accepted else {
            if case .streamChunk(_, _, let continuation) = message {
                continuation.resume(throwing: HTTPServerError.connectionClosed)
            } else if case .adopt(let fd, _, _) = message {
                close(fd)
                core.openConnections.subtract(1, ordering: .relaxed)
            }
            return
        }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    func run() {
        peers = core.loops.withLock { $0 }
        var pollfds: [pollfd] = []
        var polled: [Connection] = []
        while true {
            handleInbox()
            var now = monotonicNanos()
            if draining {
                if now >= drainDeadline { forceCloseAll() }
                if connections.isEmpty && listener < 0 { break }
            }
            var next = now + 1_000_000_000
            if draining { next = min(next, drainDeadline) }
            pollfds.removeAll(keepingCapacity: true)
            polled.removeAll(keepingCapacity: true)
            pollfds.append(pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0))
            let listening = listener >= 0 && now >= acceptPausedUntil
            if listening { pollfds.append(pollfd(fd: listener, events: Int16(POLLIN), revents: 0)) }
            if listener >= 0 && !listening { next = min(next, acceptPausedUntil) }
            var soonest = UInt64.max
            for connection in connections.values {
                if connection.deadline != 0 { soonest = min(soonest, connection.deadline) }
                if connection.writeDeadline != 0 { soonest = min(soonest, connection.writeDeadline) }
                var events: Int16 = 0
                if wantsRead(connection) { events |= Int16(POLLIN) }
                if connection.pendingOutput > 0 { events |= Int16(POLLOUT) }
                pollfds.append(pollfd(fd: connection.fd, events: events, revents: 0))
                polled.append(connection)
            }
            next = min(next, soonest)
            let timeout = next > now ? Int32(min((next - now + 999_999) / 1_000_000, 1000)) : 0
            let ready = poll(&pollfds, nfds_t(pollfds.count), timeout)
            now = monotonicNanos()
            if ready > 0 {
                if pollfds[0].revents != 0 { drainWakePipe() }
                var offset = 1
                if listening {
                    if pollfds[1].revents != 0 { acceptConnections(now) }
                    offset = 2
                }
                for (position, connection) in polled.enumerated() {
                    let revents = pollfds[offset + position].revents
                    guard revents != 0, !connection.isClosed else { continue }
                    if revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 { onReadable(connection, now) }
                    if !connection.isClosed && revents & Int16(POLLOUT) != 0 { onWritable(connection, now) }
                }
            }
            // Deadlines set while handling events lie in the future, so `soonest` misses none.
            if now >= soonest { checkDeadlines(now) }
        }
        let leftovers = inbox.withLock { inbox -> [LoopMessage] in
            inbox.stopped = true
            defer { inbox.messages = [] }
            return inbox.messages
        }
        for case .streamChunk(_, _, let continuation) in leftovers {
            continuation.resume(throwing: HTTPServerError.connectionClosed)
        }
        for case .adopt(let fd, _, _) in leftovers {
            close(fd)
            core.openConnections.subtract(1, ordering: .relaxed)
        }
        peers = []
    }

    private func drainWakePipe() {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(wakeRead, &buffer, buffer.count) > 0 {}
    }

    private func handleInbox() {
        let messages = inbox.withLock { inbox -> [LoopMessage] in
            defer { inbox.messages.removeAll(keepingCapacity: true) }
            return inbox.messages
        }
        guard !messages.isEmpty else { return }
        let now = monotonicNanos()
        for message in messages {
            switch message {
            case .adopt(let fd, let remote, let id):
                adopt(fd: fd, remote: remote, id: id, now: now)
            case .response(let id, let response):
                if let connection = connectionsByID[id] { queueResponse(connection, response, now) }
            case .streamHead(let id, let status, let headers):
                if let connection = connectionsByID[id] { startStream(connection, status: status, headers: headers, now) }
            case .streamChunk(let id, let bytes, let continuation):
                if let connection = connectionsByID[id] {
                    writeStreamChunk(connection, bytes, continuation, now)
                } else {
                    continuation.resume(throwing: HTTPServerError.connectionClosed)
                }
            case .streamEnd(let id):
                if let connection = connectionsByID[id] { endStream(connection, now) }
            case .streamAbort(let id):
                if let connection = connectionsByID[id] { closeNow(connection) }
            case .drain(let deadline):
                beginDrain(deadline: deadline)
            }
        }
    }

    private func acceptConnections(_ now: UInt64) {
        for _ in 0..<64 {
            guard listener >= 0 else { return }
            guard let (fd, remote) = Socket.accept(listener) else {
                if errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM {
                    // Out of descriptors: stop polling the listener for a moment instead of spinning.
                    acceptPausedUntil = now + 100_000_000
                }
                return
            }
            let id = core.nextConnectionID.add(1, ordering: .relaxed).newValue
            if draining {
                close(fd)
                continue
            }
            if core.openConnections.load(ordering: .relaxed) >= configuration.maxConnections {
                refuseOverCapacity(fd: fd, remote: remote, id: id, now: now)
                continue
            }
            core.openConnections.add(1, ordering: .relaxed)
            let target = peers.isEmpty ? self : peers[nextPeer % peers.count]
            nextPeer &+= 1
            if target === self {
                adopt(fd: fd, remote: remote, id: id, now: now)
            } else {
                target.submit(.adopt(fd: fd, remote: remote, id: id))
            }
        }
    }

    /// Over the connection cap: accept, answer 503 with Retry-After, close (the rule;
    /// leaving it in the backlog would make clients time out instead of backing off).
    private func refuseOverCapacity(fd: Int32, remote: String, id: UInt64, now: UInt64) {
        guard rejecting < 256 else {
            close(fd)
            return
        }
        rejecting += 1
        let connection = Connection(id: id, fd: fd, remote: remote, counted: false, limits: configuration.parserLimits)
        register(connection)
        connection.output = ResponseEncoder.simple(
            status: 503, keepAlive: false, retryAfter: configuration.retryAfterSeconds, version: .http1_1,
            date: date(), serverName: configuration.serverName)
        connection.phase = .closing
        core.log(
            HTTPAccessLogRecord(
                connectionID: id, method: nil, path: nil, status: 503, duration: .zero, outcome: .overloaded))
        flush(connection, now)
    }

    private func adopt(fd: Int32, remote: String, id: UInt64, now: UInt64) {
        if draining {
            close(fd)
            core.openConnections.subtract(1, ordering: .relaxed)
            return
        }
        let connection = Connection(id: id, fd: fd, remote: remote, counted: true, limits: configuration.parserLimits)
        connection.deadline = now + configuration.idleTimeout.nanoseconds
        register(connection)
    }

    private func register(_ connection: Connection) {
        connections[connection.fd] = connection
        connectionsByID[connection.id] = connection
    }

    private func beginDrain(deadline: UInt64) {
        drainDeadline = draining ? min(drainDeadline, deadline) : deadline
        draining = true
        if listener >= 0 {
            close(listener)
            listener = -1
        }
        for connection in Array(connections.values) where connection.phase == .idle {
            if connection.pendingOutput == 0 {
                closeNow(connection)
            } else {
                connection.phase = .closing
            }
        }
    }

    private func forceCloseAll() {
        for connection in Array(connections.values) {
            connection.task?.cancel()
            closeNow(connection)
        }
    }

    private func checkDeadlines(_ now: UInt64) {
        for connection in Array(connections.values) where !connection.isClosed {
            if connection.writeDeadline != 0 && now >= connection.writeDeadline {
                closeNow(connection)
                continue
            }
            guard connection.deadline != 0 && now >= connection.deadline else { continue }
            switch connection.phase {
            case .idle, .readingHead, .readingBody:
                respondSimple(connection, status: 408, keepAlive: false, outcome: .timeout, now)
            case .lingering:
                closeNow(connection)
            case .awaitingResponse, .streaming, .closing:
                connection.deadline = 0
            }
        }
    }

    /// The `Date` value, formatted at most once a second per loop.
    func date() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let second = Int(now.tv_sec)
        if second != cachedDateSecond {
            cachedDateSecond = second
            cachedDate = httpDate(secondsSinceEpoch: second)
        }
        return cachedDate
    }
}
