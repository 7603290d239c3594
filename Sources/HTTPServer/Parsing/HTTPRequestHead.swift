/// The request line and header section of one request, validated, with the framing the body
/// will follow.
public struct HTTPRequestHead: Sendable, Hashable {
    /// How the body is delimited (RFC 9112 §6.3).
    public enum BodyFraming: Sendable, Hashable {
        case none
        case contentLength(Int)
        case chunked
    }

    /// The method token exactly as sent (methods are case-sensitive, RFC 9110 §9.1).
    public var method: String
    /// The request target as sent: origin-form `/a/b?c`, absolute-form, or `*`.
    public var target: String
    /// The path of the target (for absolute-form, the part after the authority), still percent-encoded.
    public var path: String
    /// The query after `?`, without the `?`, still percent-encoded; nil when there is none.
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var framing: BodyFraming
    /// Whether the connection may carry another request after this one (RFC 9112 §9.3).
    public var keepAlive: Bool
    /// `Expect: 100-continue` on HTTP/1.1 with a body to come (RFC 9110 §10.1.1).
    public var expectsContinue: Bool

    public var hasBody: Bool { framing != .none && framing != .contentLength(0) }
}
