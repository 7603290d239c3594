/// Why a request was refused. Every case ends the connection: after a framing error the
/// parser cannot know where the next request starts (RFC 9112 §11.2, request smuggling).
///
/// Carries no bytes of the request, so it is safe to log.
public struct HTTPParserError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case requestLineTooLong
        case headerSectionTooLarge
        case tooManyHeaders
        case trailerSectionTooLarge
        case bodyTooLarge
        case bareCR
        case bareLF
        case obsFold
        case whitespaceBeforeColon
        case invalidFieldName
        case invalidFieldValue
        case invalidRequestLine
        case invalidMethod
        case invalidTarget
        case unsupportedVersion
        case missingHost
        case duplicateHost
        case contentLengthWithTransferEncoding
        case invalidContentLength
        case conflictingContentLength
        case transferEncodingInHTTP10
        case chunkedNotFinal
        case unsupportedTransferCoding
        case invalidChunkSize
        case chunkSizeOverflow
        case chunkExtensionTooLong
        case invalidChunkExtension
        case invalidChunkTerminator
        case tooManyEmptyLines
        case methodNotImplemented
        case expectationFailed
    }

    public var kind: Kind

    public init(_ kind: Kind) { self.kind = kind }

    /// The status the server answers with (RFC 9110 §15, RFC 6585 §5 for 431).
    public var status: Int {
        switch kind {
        case .requestLineTooLong: 414
        case .headerSectionTooLarge, .tooManyHeaders, .trailerSectionTooLarge: 431
        case .bodyTooLarge: 413
        case .unsupportedVersion: 505
        case .unsupportedTransferCoding, .methodNotImplemented: 501
        case .expectationFailed: 417
        default: 400
        }
    }

    public var description: String { "HTTP parse error \(status): \(kind.rawValue)" }
}
