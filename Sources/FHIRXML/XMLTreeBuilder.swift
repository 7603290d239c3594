import FHIRCore
import Foundation

/// Builds the element tree from SAX events, checking each element against the catalogue:
/// namespace, name, definition order, repetition, attributes, primitive formats and required
/// elements. libxml2's callbacks reach it through an opaque pointer to memory the reader
/// allocates for one read on one thread; a non-copyable struct, not a class, so that mutating it
/// costs no dynamic exclusivity checks (they were a fifth of the reading time).
struct XMLTreeBuilder: ~Copyable {
    /// An element name as libxml2 hands it over: interned in the parser's dictionary, so the
    /// pointer identifies the name, and NUL-terminated, so its bytes are measured only when needed.
    struct InternedName {
        let pointer: UnsafeRawPointer

        init(_ pointer: UnsafeRawPointer) { self.pointer = pointer }

        var bytes: UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(start: pointer, count: strlen(pointer.assumingMemoryBound(to: CChar.self)))
        }
    }

    /// One open element. Plain integers only: its node does not live here but in `scratch`, at
    /// `nodeSlot`, with its children pushed after it, so opening and closing an element moves
    /// no node and counts no references.
    struct Frame {
        enum Kind {
            case resource(contextID: Int)
            case complex(contextID: Int)
            case primitive(contextID: Int)
            /// `contained`, `Bundle.entry.resource`: holds exactly one resource element.
            case container
            /// Unknown content kept by a lenient read.
            case unknown
            /// A subtree already reported and not kept: it has no node.
            case skip
        }

        enum ContainerState { case none, awaiting, inside, closed }

        var kind: Kind
        /// Where the element's node sits in `scratch` (and its position in `positions`); its
        /// children follow it. -1 for a skipped subtree.
        var nodeSlot: Int
        /// Where the parser stood at the element's start tag (see `tagStart(before:)`).
        var start: Int
        var pathPushed: Bool
        var containerState = ContainerState.none
        var lastMemberIndex = -1
        var lastPosition: Int32 = -1
        var repeatCount = 0
        /// The `value` attribute was there but refused: do not also report it missing.
        var valueRefused = false

        var childBase: Int { nodeSlot + 1 }
    }

    /// A primitive read whole at its start tag (`<given value="..."/>`, most of FHIR XML): its
    /// node is in `scratch` but it has no frame unless a child element (an `extension`) turns up.
    struct OpenPrimitive {
        var nodeSlot: Int
        var contextID: Int
    }

    let input: UnsafeRawBufferPointer
    let catalogue: TypeCatalogue
    let contexts: [ElementContext]
    /// `facts` points into `factTable`, which this builder keeps alive.
    private let factTable: MemberFactTable
    let facts: MemberFacts
    let mode: ReadMode
    let limits: ReadLimits
    /// The libxml2 parser context while a parse runs (for offsets and stopping).
    var parser: UnsafeMutableRawPointer?

    private var source: SourceText
    private(set) var issues: [Issue] = []
    private(set) var stopped = false
    var frames = TrivialStack<Frame>()
    var scratch = ElementScratch()
    var positions = TrivialStack<Int32>()
    var path = XMLPath()
    private var depth = 0
    /// libxml2's interned `value` attribute name, once seen (see `AttributeList.isValue`).
    var valueAttributeName: UnsafePointer<UInt8>?
    /// libxml2 interns names, so once a namespace string has matched, its pointer identifies it.
    var fhirNamespace: UnsafeRawPointer?
    var xhtmlNamespace: UnsafeRawPointer?
    private var elementCount = 0
    var root: FHIRElement?
    /// Inside `Narrative.div`: the XHTML is kept as the bytes that were read.
    var xhtml: (depth: Int, start: Int, member: ElementContext.Member)?
    var openPrimitive: OpenPrimitive?
    /// Element names resolved to members, by libxml2's interned name pointer.
    var memberCache = InternedMemberCache()
    /// Text has been reported since the last tag: libxml2 may deliver one run in several pieces.
    var inReportedText = false

    init(input: UnsafeRawBufferPointer, catalogue: TypeCatalogue, mode: ReadMode, limits: ReadLimits) {
        self.input = input
        self.catalogue = catalogue
        self.contexts = catalogue.contexts
        self.factTable = catalogue.memberFacts
        self.facts = factTable.facts
        self.mode = mode
        self.limits = limits
        self.source = SourceText(input)
    }

    consuming func finish() -> ReadResult {
        if root == nil && !issues.containsErrors {
            record(.fatal, .structure, "the document holds no resource", at: 0)
        }
        return ReadResult(resource: issues.containsErrors ? nil : root, issues: issues)
    }

    // MARK: issues

    /// The byte offset of the current tag's `<`: libxml2 reports elements with the parser just
    /// past the tag's name and attributes, and attribute values cannot contain `<`.
    func tagStart() -> Int {
        tagStart(before: parser.map(SAXDriver.consumedBytes) ?? 0)
    }

    func tagStart(before consumed: Int) -> Int {
        var offset = min(consumed, input.count)
        while offset > 0 {
            offset -= 1
            if input[offset] == UInt8(ascii: "<") { return offset }
        }
        return 0
    }

    mutating func record(_ severity: Issue.Severity, _ code: IssueType, _ message: String, at offset: Int, child: String? = nil) {
        guard issues.count < limits.maxIssues else {
            stop(Issue(.fatal, .tooCostly, "stopped after \(limits.maxIssues) issues"))
            return
        }
        let expression = path.isEmpty && child == nil ? nil : path.expression(in: catalogue, appending: child)
        issues.append(Issue(severity, code, message, expression: expression, location: source.location(ofOffset: offset)))
        if severity == .fatal { stop(nil) }
    }

    mutating func error(_ code: IssueType, _ message: String, child: String? = nil) {
        record(.error, code, message, at: tagStart(), child: child)
    }

    mutating func fatal(_ code: IssueType, _ message: String) {
        record(.fatal, code, message, at: tagStart())
    }

    private mutating func stop(_ issue: Issue?) {
        if let issue { issues.append(issue) }
        stopped = true
        if let parser { SAXDriver.stop(parser) }
    }

    // MARK: events from libxml2

    mutating func documentStarted() {
        guard let parser, let encoding = SAXDriver.declaredEncoding(parser) else { return }
        let normalised = encoding.lowercased().replacingOccurrences(of: "-", with: "")
        if normalised != "utf8" {
            record(.fatal, .structure, "FHIR XML must be UTF-8; the document declares another encoding", at: 0)
        }
    }

    mutating func doctypeSeen() {
        guard !stopped else { return }
        record(.fatal, .security, "a DOCTYPE is not allowed in FHIR XML: it could declare entities or load external files",
               at: tagStart())
    }

    mutating func parserFailed() {
        issues.append(Issue(.fatal, .exception, "the XML parser could not be started"))
    }

    mutating func libxmlError(code: Int, level: Int, line: Int, column: Int, isTooLong: Bool) {
        // Level 1 is a warning (e.g. a relative namespace URI): nothing FHIR forbids.
        guard !stopped, level >= 2 else { return }
        var (type, message) = LibXMLErrorText.message(code: code)
        if isTooLong { (type, message) = (.tooLong, "a name, attribute value or text is longer than the parser allows") }
        let expression = path.isEmpty ? nil : path.expression(in: catalogue)
        issues.append(Issue(level >= 3 ? .fatal : .error, type, message, expression: expression,
                            location: line > 0 ? SourceLocation(line: line, column: max(column, 1)) : nil))
        if level >= 3 { stop(nil) }
    }

    mutating func startElement(localName: UnsafeRawPointer?, namespace: UnsafeRawPointer?, attributes: AttributeList) {
        inReportedText = false
        guard !stopped, let localName else { return }
        depth += 1
        elementCount += 1
        if depth > limits.maxDepth {
            fatal(.tooCostly, "elements are nested deeper than the limit of \(limits.maxDepth)")
            return
        }
        if elementCount > limits.maxElements {
            fatal(.tooCostly, "the document has more elements than the limit of \(limits.maxElements)")
            return
        }
        let name = InternedName(localName)
        if xhtml != nil {
            startXHTMLElement(name: name.bytes, namespace: namespace, attributes: attributes)
            return
        }
        if let open = openPrimitive {
            // A child of a primitive read at its start tag: it needs a frame after all.
            openPrimitive = nil
            // Its start offset only locates a missing value, and this primitive has one.
            frames.push(Frame(kind: .primitive(contextID: open.contextID), nodeSlot: open.nodeSlot,
                                start: currentOffset(), pathPushed: true))
        }
        guard let parent = frames.lastIndex else {
            startRoot(name: name.bytes, namespace: namespace, attributes: attributes)
            return
        }
        startChild(of: parent, name: name, namespace: namespace, attributes: attributes)
    }

    mutating func endElement() {
        inReportedText = false
        guard !stopped else { return }
        depth -= 1
        if xhtml != nil {
            endXHTMLElement()
            return
        }
        if openPrimitive != nil {
            openPrimitive = nil
            path.pop()
            return
        }
        guard let top = frames.lastIndex else { return }
        if frames[top].containerState == .inside {
            // The resource inside `contained` or `resource` ends; its container ends next.
            frames[top].containerState = .closed
            return
        }
        finishFrame(frames.removeLast())
    }

    /// The offset of the first byte that is not XML whitespace. Pretty-printed FHIR XML sends
    /// every indentation here, so eight bytes are tested at a time, the last eight overlapping
    /// the ones before; libxml2 has already refused the control characters, so a byte is
    /// whitespace exactly when it is at most 0x20.
    @inline(__always)
    static func firstVisibleByte(in text: UnsafeRawBufferPointer) -> Int? {
        guard text.count >= 8 else {
            for index in 0..<text.count where text[index] > 0x20 { return index }
            return nil
        }
        var index = 0
        while true {
            let visible = ByteChunks.bytesAboveSpace(text.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            if visible != 0 { return index + visible.trailingZeroBitCount / 8 }
            if index == text.count - 8 { return nil }
            index = min(index + 8, text.count - 8)
        }
    }

    /// Called for every run of text, the indentation between elements included: kept small, so
    /// the compiler keeps the whitespace test inline (the report is out of line).
    mutating func characters(_ text: UnsafeRawBufferPointer) {
        guard !stopped, xhtml == nil, !inReportedText, let top = frames.lastIndex else { return }
        guard let firstText = Self.firstVisibleByte(in: text) else { return }
        if case .skip = frames[top].kind { return }
        reportText(text, firstVisible: firstText)
    }

    @inline(never)
    private mutating func reportText(_ text: UnsafeRawBufferPointer, firstVisible: Int) {
        inReportedText = true
        // libxml2 hands text that starts with a visible character before moving past it, so where
        // the parser stands says where the text starts only for text it copied (which it hands
        // after moving past it).
        let at: Int
        if let start = text.baseAddress.flatMap({ base in parser.flatMap { SAXDriver.offset(of: base, in: $0) } }) {
            at = start + firstVisible
        } else {
            // Text libxml2 decoded (an entity or character reference, `&amp;`, `&#x41;`) is not in
            // the input; it starts at the reference's `&`, just behind where the parser stands.
            let here = min(currentOffset(), input.count)
            at = referenceStart(before: here) ?? max(here - text.count, 0) + firstVisible
        }
        record(.error, .structure, "text is not allowed in a FHIR element: values go in value attributes",
               at: min(at, input.count))
    }

    /// The offset of the `&` of the character or entity reference that ends at or just before
    /// `offset` (`&name;`, `&#123;`, `&#x7B;`; at most 32 bytes back), nil when there is none.
    private func referenceStart(before offset: Int) -> Int? {
        var index = offset - 1
        while index >= 0, offset - index <= 32, input[index] != UInt8(ascii: ";") { index -= 1 }
        guard index >= 0, input[index] == UInt8(ascii: ";") else { return nil }
        var start = index - 1
        while start >= 0, index - start <= 32 {
            let byte = input[start]
            if byte == UInt8(ascii: "&") { return start }
            guard byte == UInt8(ascii: "#") || (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte)
                || (0x61...0x7A).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
            else { return nil }
            start -= 1
        }
        return nil
    }
}
