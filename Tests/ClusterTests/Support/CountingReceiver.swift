import Foundation
import GatewayTestSupport
import HTTPServer
import Synchronization

/// A PCP's FHIR server on loopback for the delivery tests: it counts every create per message
/// identifier (the value of the gateway's `If-None-Exist: identifier=<system>|<value>`) and
/// files each identifier once, answering a create it already filed 200 with the same resource,
/// as a FHIR server honouring conditional create does.
final class CountingReceiver: Sendable {
    struct Counts {
        /// Creates received per identifier.
        var posts: [String: Int] = [:]
        /// Identifier → the id it was filed under.
        var filed: [String: Int] = [:]
        var refused = 0
    }

    /// Shared by the responder's closure and the test.
    final class Ledger: Sendable {
        let counts = Mutex(Counts())
    }

    private let ledger: Ledger
    private let loopback: LoopbackServer

    private init(ledger: Ledger, loopback: LoopbackServer) {
        self.ledger = ledger
        self.loopback = loopback
    }

    var counts: Counts { ledger.counts.withLock { $0 } }
    var port: Int { loopback.port }

    /// `delay`: how long each answer waits after the filing (a slower receiver keeps the
    /// workers' leases open longer).
    static func start(delay: Duration = .zero) async throws -> CountingReceiver {
        let ledger = Ledger()
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, eventLoopCount: 2),
            responder: HTTPClosureResponder { request, _ in
                let response = handle(request, ledger)
                if delay > .zero { try? await Task.sleep(for: delay) }
                return response
            })
        return CountingReceiver(ledger: ledger, loopback: try await LoopbackServer.start(server))
    }

    var baseURL: String { "http://127.0.0.1:\(port)/fhir" }

    func stop() async {
        await loopback.stop(gracePeriod: .milliseconds(500))
    }

    private static func handle(_ request: HTTPRequest, _ ledger: Ledger) -> HTTPResponse {
        guard request.method == "POST", let condition = request.headers["If-None-Exist"],
              let bar = condition.lastIndex(of: "|") else {
            ledger.counts.withLock { $0.refused += 1 }
            return HTTPResponse(status: 400, headers: ["Content-Type": "application/fhir+json"], body: "{\"resourceType\":\"OperationOutcome\"}")
        }
        let identifier = String(condition[condition.index(after: bar)...])
        let (id, created) = ledger.counts.withLock { counts -> (Int, Bool) in
            counts.posts[identifier, default: 0] += 1
            if let id = counts.filed[identifier] { return (id, false) }
            let id = counts.filed.count + 1
            counts.filed[identifier] = id
            return (id, true)
        }
        return HTTPResponse(
            status: created ? 201 : 200,
            headers: ["Location": "http://127.0.0.1/fhir/Communication/\(id)/_history/1", "ETag": "W/\"1\""])
    }
}
