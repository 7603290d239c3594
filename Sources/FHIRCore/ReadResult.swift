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

/// How a reader treats content the catalogue does not know, and content that breaks a rule
/// on how often an element occurs.
public enum ReadMode: Sendable, Hashable {
    /// Unknown elements are errors (FHIR's default for a server that validates), and so is an
    /// element that occurs fewer or more times than its cardinality allows.
    case strict
    /// Unknown elements are kept, with a warning each, and written back out unchanged. A
    /// required element that is missing, or a repeating element with more items than its
    /// maximum, is a warning: the tree holds exactly what was read, so it converts without
    /// loss, and `FHIRValidator` checks those rules again (as errors) on the tree. What the
    /// tree cannot hold as read stays an error: malformed JSON or XML, a wrong JSON type, a
    /// second value of an element that has at most one, an empty element.
    case lenient

    /// The severity of an occurrence rule broken in the input (missing required element,
    /// too many items): see the cases.
    public var occurrenceSeverity: Issue.Severity {
        switch self {
        case .strict: .error
        case .lenient: .warning
        }
    }
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
