/// What a reader (JSON or XML) made of a document: the resource, when there was no error, and
/// every issue found, errors and warnings alike.
public struct ReadResult: Sendable {
    public var resource: FHIRElement?
    public var issues: [Issue]

    public init(resource: FHIRElement?, issues: [Issue]) {
        self.resource = resource
        self.issues = issues
    }

    public var hasErrors: Bool { issues.containsErrors }
}

/// How a reader treats content the catalogue does not know.
public enum ReadMode: Sendable, Hashable {
    /// Unknown elements are errors (FHIR's default for a server that validates).
    case strict
    /// Unknown elements are kept, with a warning each, and written back out unchanged.
    case lenient
}

/// Hard limits a reader enforces before any work grows with the input.
public struct ReadLimits: Sendable, Hashable {
    /// Objects and arrays (JSON) or elements (XML) open at once.
    public var maxDepth = 100
    public var maxDocumentBytes = 128 << 20
    /// One string value, after unescaping (attachments in base64 are the big ones).
    public var maxStringBytes = 32 << 20
    /// Characters of one number as written.
    public var maxNumberLength = 64
    /// Issues reported before the reader stops looking.
    public var maxIssues = 200

    public init() {}
}
