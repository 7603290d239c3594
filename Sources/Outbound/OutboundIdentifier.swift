import IOPMapping

/// The stable identifier every outbound resource carries: the gateway's system and the message's
/// idempotency key. A receiver that honours conditional create matches on it; for one that does
/// not, the worker searches for it before resending after an attempt whose outcome is unknown.
public enum OutboundIdentifier {
    public static let system = IOPCanonical.base + "/sid/outbound-message"

    /// `identifier=<system>|<value>`: the query of a conditional create (`If-None-Exist`,
    /// `Bundle.entry.request.ifNoneExist`). FHIR search allows the `|` unescaped.
    static func conditionalQuery(_ value: String) -> String {
        "identifier=" + system + "|" + value
    }
}
