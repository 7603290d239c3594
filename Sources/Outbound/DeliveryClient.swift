import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// The one URLSession of the process for outbound HTTP, and the rules of PLATFORM-NOTES.md:
/// redirects are refused (a POST redirected by 302 would be re-sent as a bodiless GET with our
/// `Authorization`), every exchange has our own total deadline (URLSession's timeouts are idle
/// timers, truncated to whole seconds), and tasks are driven by the session delegate rather than
/// completion handlers, because corelibs only consults the redirect delegate for delegate tasks.
public final class DeliveryClient: Sendable {
    /// Shared by every worker: short-lived sessions have crashed at teardown on Linux.
    public static let shared = DeliveryClient()

    /// Responses larger than this are cut off and the exchange fails (outcome unknown).
    public let maxResponseBytes: Int
    private let session: URLSession
    private let delegate: SessionDelegate

    public init(maxResponseBytes: Int = 8 << 20) {
        self.maxResponseBytes = maxResponseBytes
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.timeoutIntervalForRequest = 120  // an idle backstop only; the deadline is ours
        delegate = SessionDelegate(maxResponseBytes: maxResponseBytes)
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
    }

    /// Performs the exchange, giving up (and cancelling it) when `deadline` has passed or the
    /// calling task is cancelled.
    func perform(_ request: URLRequest, deadline: Duration) async -> TransportResult {
        let task = session.dataTask(with: request)
        let exchange = Exchange()
        delegate.register(exchange, for: task.taskIdentifier)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<TransportResult, Never>) in
                exchange.start(continuation)
                let timer = Task {
                    try? await Task.sleep(for: deadline)
                    if !Task.isCancelled, exchange.finish(.failure(TransportFailure(
                        kind: .outcomeUnknown, description: "no complete response within the attempt deadline"))) {
                        task.cancel()
                    }
                }
                exchange.onFinish { timer.cancel() }
                task.resume()
            }
        } onCancel: {
            if exchange.finish(.failure(TransportFailure(kind: .outcomeUnknown, description: "delivery cancelled"))) {
                task.cancel()
            }
        }
    }
}

/// One exchange's state, finished exactly once by whichever comes first: the delegate's
/// completion, the deadline, or cancellation.
final class Exchange: Sendable {
    private struct State {
        var continuation: CheckedContinuation<TransportResult, Never>?
        var pending: TransportResult?
        var finished = false
        var body = Data()
        var onFinish: [@Sendable () -> Void] = []
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<TransportResult, Never>) {
        let ready = state.withLock { state -> TransportResult? in
            if let pending = state.pending {
                state.pending = nil
                return pending
            }
            state.continuation = continuation
            return nil
        }
        if let ready { continuation.resume(returning: ready) }
    }

    func onFinish(_ action: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.finished { return true }
            state.onFinish.append(action)
            return false
        }
        if runNow { action() }
    }

    /// Appends received bytes; returns false once over `limit`.
    func append(_ data: Data, limit: Int) -> Bool {
        state.withLock { state in
            state.body.append(data)
            return state.body.count <= limit
        }
    }

    var body: Data { state.withLock { $0.body } }

    /// Returns whether this call finished the exchange.
    @discardableResult
    func finish(_ result: TransportResult) -> Bool {
        typealias Finish = (continuation: CheckedContinuation<TransportResult, Never>?, actions: [@Sendable () -> Void])
        let finishing = state.withLock { state -> Finish? in
            guard !state.finished else { return nil }
            state.finished = true
            let actions = state.onFinish
            state.onFinish = []
            let continuation = state.continuation
            state.continuation = nil
            if continuation == nil { state.pending = result }
            return (continuation, actions)
        }
        guard let finishing else { return false }
        for action in finishing.actions { action() }
        finishing.continuation?.resume(returning: result)
        return true
    }
}

/// Routes the session's delegate calls to the exchanges by task identifier.
///
/// `@unchecked Sendable`: an `NSObject` subclass whose only state is the mutex-guarded table.
final class SessionDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let exchanges = Mutex<[Int: Exchange]>([:])
    private let maxResponseBytes: Int

    init(maxResponseBytes: Int) {
        self.maxResponseBytes = maxResponseBytes
    }

    func register(_ exchange: Exchange, for identifier: Int) {
        exchanges.withLock { $0[identifier] = exchange }
    }

    private func exchange(_ task: URLSessionTask) -> Exchange? {
        exchanges.withLock { $0[task.taskIdentifier] }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)  // a 3xx is a delivery failure, never followed
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard let exchange = exchange(dataTask) else { return }
        if !exchange.append(data, limit: maxResponseBytes) {
            if exchange.finish(.failure(TransportFailure(kind: .outcomeUnknown, description: "response larger than the limit"))) {
                dataTask.cancel()
            }
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let exchange = exchanges.withLock({ $0.removeValue(forKey: task.taskIdentifier) }) else { return }
        if let error {
            exchange.finish(.failure(Self.failure(error)))
            return
        }
        guard let http = task.response as? HTTPURLResponse else {
            exchange.finish(.failure(TransportFailure(kind: .outcomeUnknown, description: "no HTTP response")))
            return
        }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        exchange.finish(.response(ReceivedResponse(status: http.statusCode, headers: headers, body: exchange.body)))
    }

    /// Connection failures before anything was sent are `notSent`; the rest may have reached
    /// the receiver. The description is the error code's name, never the URL.
    static func failure(_ error: any Error) -> TransportFailure {
        guard let urlError = error as? URLError else {
            return TransportFailure(kind: .outcomeUnknown, description: "transport error")
        }
        switch urlError.code {
        case .cannotConnectToHost: return TransportFailure(kind: .notSent, description: "connection refused")
        case .cannotFindHost, .dnsLookupFailed: return TransportFailure(kind: .notSent, description: "host not found")
        case .notConnectedToInternet: return TransportFailure(kind: .notSent, description: "network unreachable")
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
             .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot:
            return TransportFailure(kind: .notSent, description: "TLS handshake failed")
        case .timedOut: return TransportFailure(kind: .outcomeUnknown, description: "timed out")
        case .networkConnectionLost: return TransportFailure(kind: .outcomeUnknown, description: "connection lost")
        default: return TransportFailure(kind: .outcomeUnknown, description: "transport error \(urlError.code.rawValue)")
        }
    }
}
