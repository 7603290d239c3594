import Foundation
import HTTPServer
import Synchronization

/// A PCP's EHR on loopback that files every resource posted to it and answers 201; it knows
/// nothing of identifiers (a search finds nothing), which is all the consent tests need: what
/// reached it is exactly what left the gateway.
final class RecordingReceiver: Sendable {
    private final class Bodies: Sendable {
        let list = Mutex<[[UInt8]]>([])
    }

    private let bodies: Bodies
    private let server: HTTPServer
    private let running: Task<Void, any Error>
    let baseURL: URL

    /// The bodies received, in order.
    var received: [[UInt8]] { bodies.list.withLock { $0 } }

    static func start() async throws -> RecordingReceiver {
        let bodies = Bodies()
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, eventLoopCount: 1)) { request, _ in
            guard request.method == "POST" else {
                return HTTPResponse(status: 200, headers: ["Content-Type": "application/fhir+json"],
                                    body: #"{"resourceType":"Bundle","type":"searchset","total":0}"#)
            }
            let count = bodies.list.withLock { $0.append(request.body); return $0.count }
            return HTTPResponse(status: 201, headers: ["Location": "http://receiver/fhir\(request.path.dropFirst(5))/\(count)/_history/1"])
        }
        let (addresses, continuation) = AsyncStream<HTTPServerAddress>.makeStream()
        let running = Task { try await server.run { continuation.yield($0); continuation.finish() } }
        var iterator = addresses.makeAsyncIterator()
        guard let address = await iterator.next() else { throw CancellationError() }
        return RecordingReceiver(bodies: bodies, server: server, running: running,
                                 baseURL: URL(string: "http://127.0.0.1:\(address.port)/fhir")!)
    }

    private init(bodies: Bodies, server: HTTPServer, running: Task<Void, any Error>, baseURL: URL) {
        self.bodies = bodies
        self.server = server
        self.running = running
        self.baseURL = baseURL
    }

    func stop() async {
        await server.shutdown(gracePeriod: .milliseconds(200))
        _ = try? await running.value
    }
}
