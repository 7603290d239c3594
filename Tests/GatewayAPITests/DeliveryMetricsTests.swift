import Foundation
import GatewayAPI
import GatewayStore
import Testing

/// The delivery part of `/metrics`: per endpoint and status the depth, attempts and the oldest
/// message's age; per route the circuit state a worker wrote (open turning half-open once its
/// cool-down has passed).
@Suite("Delivery metrics")
struct DeliveryMetricsTests {
    @Test("depth, attempts, oldest age and circuit state per endpoint, in the Prometheus text format")
    func deliveryMetrics() {
        let now = StoreTimestamp(microsecondsSinceEpoch: 1_800_000_000_000_000)
        let delivery = GatewayMetrics.Delivery(
            outbox: [
                OutboxStatistics(endpointKey: "pcp-a", status: .pending, count: 4, attempts: 9, maxAttempts: 5,
                                 oldestCreatedAt: now.adding(.seconds(-90))),
                OutboxStatistics(endpointKey: "pcp-a", status: .delivered, count: 10, attempts: 12, maxAttempts: 3,
                                 oldestCreatedAt: now.adding(.seconds(-900))),
            ],
            routes: [
                OutboundRouteState(endpointKey: "pcp-a", route: .primary, circuit: .open, consecutiveFailures: 5,
                                   openUntil: now.adding(.seconds(20)), changedAt: now.adding(.seconds(-10)), workerID: "w"),
                OutboundRouteState(endpointKey: "pcp-b", route: .primary, circuit: .open, consecutiveFailures: 5,
                                   openUntil: now.adding(.seconds(-1)), changedAt: now.adding(.seconds(-31)), workerID: "w"),
            ])
        let lines = Set(GatewayMetrics().render(delivery: delivery, now: now).split(separator: "\n").map(String.init))
        for expected in [
            #"fhir_gateway_outbox_messages{endpoint="pcp-a",status="pending"} 4"#,
            #"fhir_gateway_outbox_attempts{endpoint="pcp-a",status="pending"} 9"#,
            #"fhir_gateway_outbox_max_attempts{endpoint="pcp-a",status="pending"} 5"#,
            #"fhir_gateway_outbox_oldest_age_seconds{endpoint="pcp-a",status="pending"} 90.0"#,
            #"fhir_gateway_outbound_circuit_state{endpoint="pcp-a",route="primary",state="open"} 1"#,
            #"fhir_gateway_outbound_circuit_state{endpoint="pcp-a",route="primary",state="closed"} 0"#,
            #"fhir_gateway_outbound_circuit_state{endpoint="pcp-b",route="primary",state="half_open"} 1"#,
            #"fhir_gateway_outbound_circuit_state{endpoint="pcp-b",route="primary",state="open"} 0"#,
            #"fhir_gateway_outbound_circuit_consecutive_failures{endpoint="pcp-a",route="primary"} 5"#,
            #"fhir_gateway_outbound_circuit_changed_timestamp_seconds{endpoint="pcp-a",route="primary"} 1799999990.0"#,
            "# TYPE fhir_gateway_outbound_circuit_state gauge",
            "fhir_gateway_store_up 1",
        ] {
            #expect(lines.contains(expected), "\(expected)")
        }
        #expect(!lines.contains { $0.hasPrefix(#"fhir_gateway_outbox_oldest_age_seconds{endpoint="pcp-a",status="delivered"}"#) })
        #expect(GatewayMetrics().render(delivery: nil).contains("fhir_gateway_store_up 0"))
    }
}
