/// One line of access log. Deliberately without query, header values or body: a FHIR query
/// string can carry a name or a birth date (`Patient?name=...`), so only the path is kept.
public struct HTTPAccessLogRecord: Sendable, CustomStringConvertible {
    public enum Outcome: Sendable, Hashable {
        /// The handler answered.
        case handled
        /// The request was refused while parsing.
        case parseError(HTTPParserError.Kind)
        /// A header, body or idle deadline passed.
        case timeout
        /// Too many connections or requests in flight.
        case overloaded
    }

    public var connectionID: UInt64
    /// Nil when the request line was never read.
    public var method: String?
    /// The path without the query; nil when the request line was never read.
    public var path: String?
    public var status: Int
    /// From the first byte of the request to the response being queued (or, streamed, finished).
    public var duration: Duration
    public var outcome: Outcome

    public var description: String {
        "conn=\(connectionID) \(method ?? "-") \(path ?? "-") \(status) \(duration) \(outcome)"
    }
}
