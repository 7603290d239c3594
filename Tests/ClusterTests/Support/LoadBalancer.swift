import Foundation
import Synchronization

/// The test's stand-in for a load balancer in front of the `serve` processes: round robin over
/// the processes that are in; one that answers 503 or refuses a connection is taken out, and
/// comes back when its `/readyz` answers 200 (`probe`) or it is started again on a new port.
final class LoadBalancer: Sendable {
    private struct Backend {
        var port: Int
        var out = false
    }

    private let state: Mutex<(backends: [Backend], next: Int)>

    init(ports: [Int]) {
        state = Mutex((ports.map { Backend(port: $0) }, 0))
    }

    /// The next process that is in, or nil when none is.
    func pick() -> (index: Int, port: Int)? {
        state.withLock { state in
            for step in 0..<state.backends.count {
                let index = (state.next + step) % state.backends.count
                if !state.backends[index].out {
                    state.next = index + 1
                    return (index, state.backends[index].port)
                }
            }
            return nil
        }
    }

    /// Out, unless it was meanwhile started again on another port.
    func takeOut(_ index: Int, port: Int) {
        state.withLock { state in
            if state.backends[index].port == port { state.backends[index].out = true }
        }
    }

    func bringIn(_ index: Int, port: Int) {
        state.withLock { $0.backends[index] = Backend(port: port) }
    }

    /// Brings back the processes that are out and ready again (a 503 that was not a drain).
    func probe() {
        let out = state.withLock { state in state.backends.indices.filter { state.backends[$0].out }.map { ($0, state.backends[$0].port) } }
        for (index, port) in out {
            if let reply = try? LoopbackExchange.send(port: port, method: "GET", path: "/readyz", timeout: 5), reply.status == 200 {
                state.withLock { state in
                    if state.backends[index].port == port { state.backends[index].out = false }
                }
            }
        }
    }
}
