import GatewayStore
import Synchronization

/// Counters for `/metrics`, in the Prometheus text exposition format (0.0.4): requests by
/// interaction and status class, a latency histogram with fixed buckets, and the outbox depth
/// read from the store at scrape time. Labels are bounded sets (interactions, status classes,
/// endpoint keys, outbox statuses): no resource type, id or path, so nothing grows with traffic.
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

    /// The exposition text; `queue` is the outbox depth (nil when the store did not answer).
    public func render(queue: [QueueDepth]?) -> String {
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
        lines.append("# HELP fhir_gateway_outbox_messages Outbound messages by PCP endpoint and status.")
        lines.append("# TYPE fhir_gateway_outbox_messages gauge")
        for depth in (queue ?? []).sorted(by: { ($0.endpointKey, $0.status.rawValue) < ($1.endpointKey, $1.status.rawValue) }) {
            lines.append(#"fhir_gateway_outbox_messages{endpoint="\#(Self.escape(depth.endpointKey))",status="\#(depth.status.rawValue)"} \#(depth.count)"#)
        }
        lines.append("# HELP fhir_gateway_store_up Whether the store answered the outbox read of this scrape.")
        lines.append("# TYPE fhir_gateway_store_up gauge")
        lines.append("fhir_gateway_store_up \(queue == nil ? 0 : 1)")
        return lines.joined(separator: "\n") + "\n"
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
