import Foundation
import HTTPServer
import Synchronization

/// The first phase of `serve`'s stop, for a gateway behind a load balancer (`--drain-notice
/// SECONDS`): the process keeps its socket open but answers every request except `/healthz`
/// with 503, `Retry-After` and `Connection: close`, `/readyz` included, so the balancer and
/// clients move to the other processes; only then does the server stop accepting and drain.
/// Without the notice, connections that arrive just as the listening socket closes are reset,
/// and a client cannot tell whether its request was taken.
final class DrainNotice: Sendable {
    private let started = Atomic<Bool>(false)

    var isDraining: Bool { started.load(ordering: .acquiring) }

    func begin() { started.store(true, ordering: .releasing) }

    /// `responder` until `begin`, then 503 + Retry-After.
    func guarding(_ responder: some HTTPResponder, retryAfterSeconds: Int) -> some HTTPResponder {
        HTTPClosureResponder { [self] request, context in
            guard isDraining, request.path != "/healthz" else { return await responder.respond(to: request, context: context) }
            return HTTPResponse(
                status: 503,
                headers: [
                    "Retry-After": String(retryAfterSeconds), "Connection": "close", "Content-Type": "application/fhir+json",
                ],
                body: Self.outcome)
        }
    }

    /// Fixed text: it names no request, so nothing about the request can leak into it.
    static let outcome = """
        {"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"transient",\
        "diagnostics":"this gateway process is stopping; retry (another process behind the same address will answer)"}]}
        """
}
