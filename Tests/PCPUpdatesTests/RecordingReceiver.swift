import Foundation
import GatewayTestSupport
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
    private let loopback: LoopbackServer
    var baseURL: URL { URL(string: "http://127.0.0.1:\(loopback.port)/fhir")! }

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
        return RecordingReceiver(bodies: bodies, loopback: try await LoopbackServer.start(server))
    }

    private init(bodies: Bodies, loopback: LoopbackServer) {
        self.bodies = bodies
        self.loopback = loopback
    }

    func stop() async { await loopback.stop() }
}
