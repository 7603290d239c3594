import GatewayStore

extension EndpointWorker {
    /// Writes each route's circuit state to the store, and logs it, when it differs from what
    /// was last written: on the first pass (so `/metrics` knows the route from the start) and
    /// on every change. The row is what the serve process's `/metrics` shows (delivery runs in
    /// its own process; see `GatewayMetrics`). A failed write is tried again at the next check.
    func reportCircuits() async {
        let now = ContinuousClock.now
        var routes: [(OutboundRouteState.Route, CircuitBreaker)] = [(.primary, primaryBreaker)]
        if endpoint.fallback != nil { routes.append((.fallback, fallbackBreaker)) }
        for (route, breaker) in routes {
            var openUntil: StoreTimestamp?
            let circuit: OutboundRouteState.Circuit
            switch breaker.state(at: now) {
            case .closed: circuit = .closed
            case .halfOpen: circuit = .halfOpen
            case .open(let until):
                circuit = .open
                openUntil = StoreTimestamp.now().adding(until - now)
            }
            let previous = reportedCircuits[route]
            guard previous != circuit else { continue }
            let state = OutboundRouteState(
                endpointKey: endpoint.key, route: route, circuit: circuit, consecutiveFailures: breaker.consecutiveFailures,
                openUntil: openUntil, changedAt: .now(), workerID: workerID)
            do {
                try await store.writeAsync { transaction in try transaction.recordRouteState(state) }
            } catch {
                continue
            }
            reportedCircuits[route] = circuit
            var fields: [String: Any] = [
                "route": route.rawValue, "from": previous?.rawValue ?? "unknown", "to": circuit.rawValue,
                "consecutive_failures": breaker.consecutiveFailures, "worker": workerID,
            ]
            if let openUntil { fields["open_until"] = openUntil.fhirInstant }
            log.event("outbound.circuit", endpoint: endpoint.key, fields)
        }
    }
}
