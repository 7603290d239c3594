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
    /// Objects and arrays (JSON) or elements (XML) open at once; at most `depthCeiling`.
    public var maxDepth: Int {
        get { depth }
        set { depth = min(max(newValue, 1), Self.depthCeiling) }
    }
    private var depth = 100

    /// Readers recurse once per level; this bound keeps the deepest accepted document within a
    /// 512 KiB thread stack even in a debug build, whose frames are about four times larger
    /// (`StackDepthTests`), whatever a caller configures. The official examples nest at most 21
    /// levels and the Synthea bundles 12.
    public static let depthCeiling = 128
    public var maxDocumentBytes = 128 << 20
    /// One string value, after unescaping (attachments in base64 are the big ones).
    public var maxStringBytes = 32 << 20
    /// Characters of one number as written.
    public var maxNumberLength = 64
    /// Elements (XML) or objects and arrays (JSON) in one document.
    public var maxElements = 4_000_000
    /// Issues reported before the reader stops looking.
    public var maxIssues = 200

    public init() {}
}
