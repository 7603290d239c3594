import Synchronization

/// What every event loop of one server shares: configuration, responder and the counters
/// behind the connection and in-flight caps.
final class ServerCore: Sendable {
    let configuration: HTTPServerConfiguration
    let responder: any HTTPResponder
    let openConnections = Atomic<Int>(0)
    let inFlightRequests = Atomic<Int>(0)
    let nextConnectionID = Atomic<UInt64>(0)
    /// Set once before the loop threads start, emptied when they have all finished.
    let loops = Mutex<[EventLoop]>([])

    init(configuration: HTTPServerConfiguration, responder: any HTTPResponder) {
        self.configuration = configuration
        self.responder = responder
    }

    func log(_ record: HTTPAccessLogRecord) {
        configuration.accessLog?(record)
    }
}

/// Work handed to an event loop from another thread.
enum LoopMessage: Sendable {
    case adopt(fd: Int32, remote: String, id: UInt64)
    case response(connectionID: UInt64, response: HTTPResponse)
    case streamHead(connectionID: UInt64, status: Int, headers: HTTPHeaders)
    case streamChunk(connectionID: UInt64, bytes: [UInt8], continuation: CheckedContinuation<Void, any Error>)
    case streamEnd(connectionID: UInt64)
    case streamAbort(connectionID: UInt64)
    case drain(deadline: UInt64)
}
