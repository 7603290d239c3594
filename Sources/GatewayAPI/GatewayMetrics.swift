import GatewayStore
import Synchronization

/// Counters for `/metrics`, in the Prometheus text exposition format (0.0.4): requests by
/// interaction and status class, a latency histogram with fixed buckets, and delivery read from
/// the store at scrape time: per endpoint and status the outbox depth, attempts and the age of
/// the oldest message; per endpoint and route the circuit state its delivery worker last wrote.
/// Labels are bounded sets (interactions, status classes, endpoint keys, outbox statuses,
/// routes, circuit states): no resource type, id or path, so nothing grows with traffic.
///
/// Delivery figures come from the store rather than from this process because delivery runs in
/// its own process (`fhir-gateway deliver`, one or several), restarted and scaled apart from the
/// API: the outbox and the route-state rows its workers write on every circuit change are what
/// every process shares, so one scrape of the API shows the whole queue and every circuit, and
/// still shows an open circuit (with when it changed) after its worker has stopped.
public final class GatewayMetrics: Sendable {
    /// Upper bounds in seconds, Prometheus' default buckets.
    public static let latencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    struct Key: Hashable, Comparable {
        var interaction: String
        var statusClass: String
        static func < (a: Key, b: Key) -> Bool { (a.interaction, a.statusClass) < (b.interaction, b.statusClass) }
    }

    struct State {
        var requests: [Key: Int] = [:]
        var bucketCounts = [Int](repeating: 0, count: GatewayMetrics.latencyBuckets.count)
        var latencyCount = 0
        var latencySum = 0.0
    }

    private let state = Mutex(State())

    public init() {}

    public func record(interaction: String, status: Int, duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        let key = Key(interaction: interaction, statusClass: "\(status / 100)xx")
        state.withLock { state in
            state.requests[key, default: 0] += 1
            for (index, bound) in Self.latencyBuckets.enumerated() where seconds <= bound {
                state.bucketCounts[index] += 1
            }
            state.latencyCount += 1
            state.latencySum += seconds
        }
    }

    /// What the store said about delivery at scrape time.
    public struct Delivery: Sendable {
        public var outbox: [OutboxStatistics]
        public var routes: [OutboundRouteState]

        public init(outbox: [OutboxStatistics], routes: [OutboundRouteState]) {
            self.outbox = outbox
            self.routes = routes
        }
    }

    /// The exposition text; `delivery` is nil when the store did not answer.
    public func render(delivery: Delivery?, now: StoreTimestamp = .now()) -> String {
        let snapshot = state.withLock { $0 }
        var lines: [String] = []
        lines.append("# HELP fhir_gateway_requests_total Requests answered, by FHIR interaction and status class.")
        lines.append("# TYPE fhir_gateway_requests_total counter")
        for (key, count) in snapshot.requests.sorted(by: { $0.key < $1.key }) {
            lines.append(#"fhir_gateway_requests_total{interaction="\#(Self.escape(key.interaction))",status_class="\#(key.statusClass)"} \#(count)"#)
        }
        lines.append("# HELP fhir_gateway_request_duration_seconds Time from a request's first byte to its response.")
        lines.append("# TYPE fhir_gateway_request_duration_seconds histogram")
        for (index, bound) in Self.latencyBuckets.enumerated() {
            lines.append(#"fhir_gateway_request_duration_seconds_bucket{le="\#(Self.format(bound))"} \#(snapshot.bucketCounts[index])"#)
        }
        lines.append(#"fhir_gateway_request_duration_seconds_bucket{le="+Inf"} \#(snapshot.latencyCount)"#)
        lines.append("fhir_gateway_request_duration_seconds_sum \(snapshot.latencySum)")
        lines.append("fhir_gateway_request_duration_seconds_count \(snapshot.latencyCount)")
        lines += Self.deliveryLines(delivery, now: now)
        lines.append("# HELP fhir_gateway_store_up Whether the store answered the outbox read of this scrape.")
        lines.append("# TYPE fhir_gateway_store_up gauge")
        lines.append("fhir_gateway_store_up \(delivery == nil ? 0 : 1)")
        return lines.joined(separator: "\n") + "\n"
    }

    static func deliveryLines(_ delivery: Delivery?, now: StoreTimestamp) -> [String] {
        let outbox = (delivery?.outbox ?? []).sorted { ($0.endpointKey, $0.status.rawValue) < ($1.endpointKey, $1.status.rawValue) }
        let label = { (row: OutboxStatistics) in #"endpoint="\#(escape(row.endpointKey))",status="\#(row.status.rawValue)""# }
        var lines: [String] = []
        lines.append("# HELP fhir_gateway_outbox_messages Outbound messages by PCP endpoint and status.")
        lines.append("# TYPE fhir_gateway_outbox_messages gauge")
        for row in outbox { lines.append("fhir_gateway_outbox_messages{\(label(row))} \(row.count)") }
        lines.append("# HELP fhir_gateway_outbox_attempts Delivery attempts made for the messages now in each status (sum over messages).")
        lines.append("# TYPE fhir_gateway_outbox_attempts gauge")
        for row in outbox { lines.append("fhir_gateway_outbox_attempts{\(label(row))} \(row.attempts)") }
        lines.append("# HELP fhir_gateway_outbox_max_attempts The most attempts any one message in the status has had.")
        lines.append("# TYPE fhir_gateway_outbox_max_attempts gauge")
        for row in outbox { lines.append("fhir_gateway_outbox_max_attempts{\(label(row))} \(row.maxAttempts)") }
        // Delivered messages have no meaningful age: the queue's age is its waiting messages'.
        lines.append("# HELP fhir_gateway_outbox_oldest_age_seconds Age of the oldest message waiting (pending, in flight) or given up (dead letter).")
        lines.append("# TYPE fhir_gateway_outbox_oldest_age_seconds gauge")
        for row in outbox where row.status != .delivered {
            let age = Double(max(0, now.microsecondsSinceEpoch - row.oldestCreatedAt.microsecondsSinceEpoch)) / 1e6
            lines.append("fhir_gateway_outbox_oldest_age_seconds{\(label(row))} \(age)")
        }
        let routes = (delivery?.routes ?? []).sorted { ($0.endpointKey, $0.route.rawValue) < ($1.endpointKey, $1.route.rawValue) }
        let routeLabel = { (row: OutboundRouteState) in #"endpoint="\#(escape(row.endpointKey))",route="\#(row.route.rawValue)""# }
        lines.append("# HELP fhir_gateway_outbound_circuit_state Circuit breaker per endpoint route as its worker last reported it: 1 for the current state.")
        lines.append("# TYPE fhir_gateway_outbound_circuit_state gauge")
        for row in routes {
            let current = row.circuit(at: now)
            for state in OutboundRouteState.Circuit.allCases {
                lines.append(#"fhir_gateway_outbound_circuit_state{\#(routeLabel(row)),state="\#(state.rawValue)"} \#(state == current ? 1 : 0)"#)
            }
        }
        lines.append("# HELP fhir_gateway_outbound_circuit_consecutive_failures Consecutive failed attempts on the route when its state last changed.")
        lines.append("# TYPE fhir_gateway_outbound_circuit_consecutive_failures gauge")
        for row in routes { lines.append("fhir_gateway_outbound_circuit_consecutive_failures{\(routeLabel(row))} \(row.consecutiveFailures)") }
        lines.append("# HELP fhir_gateway_outbound_circuit_changed_timestamp_seconds When the route's circuit last changed state (Unix time).")
        lines.append("# TYPE fhir_gateway_outbound_circuit_changed_timestamp_seconds gauge")
        for row in routes {
            lines.append("fhir_gateway_outbound_circuit_changed_timestamp_seconds{\(routeLabel(row))} \(Double(row.changedAt.microsecondsSinceEpoch) / 1e6)")
        }
        return lines
    }

    /// Label values escape `\`, `"` and newline (exposition format §"Text format details").
    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    static func format(_ bound: Double) -> String {
        bound == bound.rounded() ? String(Int(bound)) : String(bound)
    }
}
