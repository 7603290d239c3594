import Foundation
import GatewayTestSupport
import HTTPServer
import Synchronization

/// A FHIR receiver on loopback that files nothing and answers every create 201 with a Location
/// and ETag at once (a search: an empty searchset), so a delivery benchmark measures the sender.
/// With `failEvery: n`, every n-th create is answered 503 instead (the soak's flaky receiver).
final class BenchReceiver: Sendable {
    private let loopback: LoopbackServer
    private let creates: Counter
    var port: Int { loopback.port }

    final class Counter: Sendable {
        private let value = Atomic<Int>(0)
        func next() -> Int { value.add(1, ordering: .relaxed).newValue }
        var current: Int { value.load(ordering: .relaxed) }
    }

    private init(loopback: LoopbackServer, creates: Counter) {
        self.loopback = loopback
        self.creates = creates
    }

    /// Creates answered so far.
    var created: Int { creates.current }
    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)/fhir")! }

    static func start(port: Int = 0, failEvery: Int? = nil) async throws -> BenchReceiver {
        let creates = Counter()
        let attempts = Counter()
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: port)) { request, _ in
            guard request.method == "POST" else {
                return HTTPResponse(status: 200, headers: ["Content-Type": "application/fhir+json"],
                                    body: #"{"resourceType":"Bundle","type":"searchset","total":0}"#)
            }
            if let failEvery, attempts.next() % failEvery == 0 {
                return HTTPResponse(status: 503, headers: ["Retry-After": "0"])
            }
            let number = creates.next()
            return HTTPResponse(status: 201, headers: [
                "Location": "http://127.0.0.1/fhir/DocumentReference/\(number)/_history/1", "ETag": "W/\"1\"",
            ])
        }
        return BenchReceiver(loopback: try await LoopbackServer.start(server), creates: creates)
    }

    func stop() async { await loopback.stop() }
}
