/// Limits the request parser enforces while it reads, so a hostile peer can never make it hold
/// more than these many bytes of head or body. Each limit has the status RFC 9110 gives it.
public struct HTTPParserLimits: Sendable, Hashable {
    /// Longest request line in bytes, CRLF excluded (414 URI Too Long).
    public var maxRequestLineLength: Int
    /// Largest header section in bytes, every field line counted with its CRLF (431).
    public var maxHeaderSectionSize: Int
    /// Most header fields in one request (431).
    public var maxHeaderCount: Int
    /// Largest request body after chunked decoding (413 Content Too Large).
    public var maxBodySize: Int
    /// Most bytes of chunk extensions in one message (400). RFC 9112 §7.1.1 lets a server bound them.
    public var maxChunkExtensionSize: Int
    /// Largest trailer section in bytes (431); trailer fields are validated, then dropped.
    public var maxTrailerSectionSize: Int
    /// Empty lines tolerated before a request line (RFC 9112 §2.2 says ignore "at least one").
    public var maxLeadingEmptyLines: Int

    public init(
        maxRequestLineLength: Int = 8 * 1024,
        maxHeaderSectionSize: Int = 32 * 1024,
        maxHeaderCount: Int = 100,
        maxBodySize: Int = 32 * 1024 * 1024,
        maxChunkExtensionSize: Int = 1024,
        maxTrailerSectionSize: Int = 4 * 1024,
        maxLeadingEmptyLines: Int = 4
    ) {
        self.maxRequestLineLength = maxRequestLineLength
        self.maxHeaderSectionSize = maxHeaderSectionSize
        self.maxHeaderCount = maxHeaderCount
        self.maxBodySize = maxBodySize
        self.maxChunkExtensionSize = maxChunkExtensionSize
        self.maxTrailerSectionSize = maxTrailerSectionSize
        self.maxLeadingEmptyLines = maxLeadingEmptyLines
    }
}
