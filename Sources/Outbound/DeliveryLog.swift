import Foundation
import GatewayStore

/// One JSON line per delivery state change, for operators: a message claimed, delivered, put
/// back to wait, dead-lettered, held or cancelled by the disclosure gate; a route's circuit
/// closing, opening or going half-open.
///
/// Lines name the endpoint, the message by its id (a UUID), the route, the attempt, HTTP
/// statuses and failure kinds: never a payload, a participant, an identifier value or text a
/// receiver sent back (its OperationOutcome may quote the patient; it is kept, for the
/// operator, only in the message's `lastError`).
public struct DeliveryLog: Sendable {
    private let write: @Sendable (String) -> Void

    /// `write` gets each line without its newline.
    public init(_ write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// Straight to the descriptor, like the API's access log.
    public static let standardError = DeliveryLog { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    public static let discard = DeliveryLog { _ in }

    func event(_ event: String, endpoint: String, _ fields: [String: Any]) {
        var line = fields
        line["time"] = StoreTimestamp.now().fhirInstant
        line["event"] = event
        line["endpoint"] = endpoint
        let data = (try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        write(String(decoding: data, as: UTF8.self))
    }

    /// A failure reason without what the receiver said: `HTTP 422: error/invalid …` → `HTTP 422`.
    /// Our own reasons (transport failure kinds, "redirect refused (HTTP 302)", gate reason
    /// codes) are kept whole.
    static func loggable(_ reason: String) -> String {
        guard let separator = reason.range(of: ": "), reason[..<separator.lowerBound].contains("HTTP ") else { return reason }
        return String(reason[..<separator.lowerBound])
    }
}
