import Foundation
import HTTPServer
import Synchronization

/// A FHIR receiver on loopback that files nothing and answers every create 201 with a Location
/// and ETag at once (a search: an empty searchset), so a delivery benchmark measures the sender.
final class BenchReceiver: Sendable {
    let port: Int
    private let server: HTTPServer
    private let running: Task<Void, any Error>
    private let creates: Counter

    final class Counter: Sendable {
        private let value = Atomic<Int>(0)
        func next() -> Int { value.add(1, ordering: .relaxed).newValue }
        var current: Int { value.load(ordering: .relaxed) }
    }

    private init(port: Int, server: HTTPServer, running: Task<Void, any Error>, creates: Counter) {
        self.port = port
        self.server = server
        self.running = running
        self.creates = creates
    }

    /// Creates answered so far.
    var created: Int { creates.current }
    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)/fhir")! }

    static func start(port: Int = 0) async throws -> BenchReceiver {
        let creates = Counter()
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: port)) { request, _ in
            guard request.method == "POST" else {
                return HTTPResponse(status: 200, headers: ["Content-Type": "application/fhir+json"],
                                    body: #"{"resourceType":"Bundle","type":"searchset","total":0}"#)
            }
            let number = creates.next()
            return HTTPResponse(status: 201, headers: [
                "Location": "http://127.0.0.1/fhir/DocumentReference/\(number)/_history/1", "ETag": "W/\"1\"",
            ])
        }
        let (addresses, continuation) = AsyncStream<HTTPServerAddress>.makeStream()
        let running = Task {
            try await server.run { address in
                continuation.yield(address)
                continuation.finish()
            }
        }
        var iterator = addresses.makeAsyncIterator()
        guard let address = await iterator.next() else {
            try await running.value
            throw CancellationError()
        }
        return BenchReceiver(port: address.port, server: server, running: running, creates: creates)
    }

    func stop() async {
        await server.shutdown(gracePeriod: .milliseconds(200))
        _ = try? await running.value
    }
}
