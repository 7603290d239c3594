import Foundation
import Synchronization

/// An HTTP/1.1 server on plain sockets: a few poll loop threads, handlers on the concurrency
/// pool, strict parsing, limits, deadlines and a graceful drain. It knows nothing about FHIR.
///
/// ```swift
/// let server = HTTPServer(configuration: .init(port: 8080), responder: api)
/// // SIGTERM handler: Task { await server.shutdown(gracePeriod: .seconds(20)) }
/// try await server.run { address in print("listening on \(address)") }
/// ```
public final class HTTPServer: Sendable {
    enum Phase { case notStarted, running, stopped }

    struct Lifecycle {
        var phase = Phase.notStarted
        var loops: [EventLoop] = []
        var address: HTTPServerAddress?
        var loopsRunning = 0
        var runContinuation: CheckedContinuation<Void, Never>?
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
    }

    let core: ServerCore
    private let lifecycle = Mutex<Lifecycle>(Lifecycle())

    public init(configuration: HTTPServerConfiguration, responder: some HTTPResponder) {
        core = ServerCore(configuration: configuration, responder: responder)
    }

    public convenience init(
        configuration: HTTPServerConfiguration,
        handler: @escaping @Sendable (HTTPRequest, RequestContext) async -> HTTPResponse
    ) {
        self.init(configuration: configuration, responder: HTTPClosureResponder(handler))
    }

    public var configuration: HTTPServerConfiguration { core.configuration }

    /// The bound address once `run` is listening (the real port when 0 was asked for).
    public var listeningAddress: HTTPServerAddress? { lifecycle.withLock { $0.address } }

    /// Connections open now (for metrics and tests).
    public var openConnectionCount: Int { core.openConnections.load(ordering: .relaxed) }

    /// Binds, calls `onListening` with the bound address, serves until ``shutdown(gracePeriod:)``
    /// has drained, then returns. Throws only when it cannot bind.
    public func run(onListening: @Sendable (HTTPServerAddress) -> Void = { _ in }) async throws {
        let configuration = core.configuration
        let (listener, address) = try Socket.listen(
            host: configuration.host, port: configuration.port, backlog: configuration.backlog,
            reuseAddress: configuration.reuseAddress)
        let loops = (0..<configuration.eventLoopCount).map { EventLoop(index: $0, core: core) }
        loops[0].listener = listener  // before any loop thread starts
        core.loops.withLock { $0 = loops }
        let started = lifecycle.withLock { state -> Bool in
            guard state.phase == .notStarted else { return false }
            state.phase = .running
            state.loops = loops
            state.address = address
            state.loopsRunning = loops.count
            return true
        }
        guard started else {
            close(listener)
            core.loops.withLock { $0 = [] }
            if lifecycle.withLock({ $0.phase }) == .stopped { return }
            throw HTTPServerError.alreadyRunning
        }
        onListening(address)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lifecycle.withLock { $0.runContinuation = continuation }
            for loop in loops {
                let thread = Thread { [self] in
                    loop.run()
                    loopFinished()
                }
                thread.name = "http-loop-\(loop.index)"
                thread.start()
            }
        }
    }

    /// Stops accepting (the listening socket is closed, so new connections are refused), closes
    /// idle keep-alive connections, lets requests in progress finish and answers them with
    /// `Connection: close`; after `gracePeriod` whatever is left is closed and its handler
    /// cancelled. Returns when `run` has returned (at once if it never started).
    public func shutdown(gracePeriod: Duration) async {
        let deadline = monotonicNanos() + gracePeriod.nanoseconds
        let loops = lifecycle.withLock { state -> [EventLoop]? in
            switch state.phase {
            case .notStarted:
                state.phase = .stopped
                return nil
            case .running: return state.loops
            case .stopped: return nil
            }
        }
        guard let loops else { return }
        for loop in loops { loop.submit(.drain(deadline: deadline)) }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let stopped = lifecycle.withLock { state -> Bool in
                if state.phase == .stopped { return true }
                state.stopWaiters.append(continuation)
                return false
            }
            if stopped { continuation.resume() }
        }
    }

    private func loopFinished() {
        let waiters = lifecycle.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.loopsRunning -= 1
            guard state.loopsRunning == 0 else { return [] }
            state.phase = .stopped
            state.loops = []
            var waiters = state.stopWaiters
            state.stopWaiters = []
            if let run = state.runContinuation { waiters.append(run) }
            state.runContinuation = nil
            return waiters
        }
        guard !waiters.isEmpty else { return }
        core.loops.withLock { $0 = [] }  // breaks the core → loop reference cycle
        for waiter in waiters { waiter.resume() }
    }
}
