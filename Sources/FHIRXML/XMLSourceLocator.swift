internal import CLibXML2
import FHIRCore

/// Finds where in an XML document the elements named by FHIRPath expressions start, so the
/// validator's issues (which work on the element tree and carry only an expression) can give a
/// line and column. Called only when there are issues to report: reading pays nothing.
///
/// `name[1]` is the second `<name>` among its parent's children; a name without an index is the
/// first. A resource inside `<resource>` or `<contained>` is stepped through
/// (`Bundle.entry[2].resource.name` → `<entry>` → `<resource>` → `<Patient>` → `<name>`); an
/// attribute (`id`, `url`) is located at its element. The location is the `<` of the start
/// tag. An expression whose last segment is absent (a missing required element) is located at
/// its parent; one that does not describe this document is left out.
public enum XMLSourceLocator {
    public static func locations(of expressions: Set<String>, in bytes: UnsafeRawBufferPointer) -> [String: SourceLocation] {
        let paths = SourceLocatorPaths(expressions)
        guard !paths.isEmpty, bytes.count <= Int(Int32.max) else { return [:] }
        let walk = UnsafeMutablePointer<XMLLocatorWalk>.allocate(capacity: 1)
        walk.initialize(to: XMLLocatorWalk(input: bytes, paths: paths))
        defer { walk.deinitialize(count: 1).deallocate() }
        XMLLocatorDriver.parse(bytes, into: walk)
        // Malformed, too deep or with a DOCTYPE: nothing the reader would have accepted.
        guard !walk.pointee.failed else { return [:] }
        return walk.pointee.paths.locations(in: bytes)
    }

    public static func locations(of expressions: Set<String>, in bytes: [UInt8]) -> [String: SourceLocation] {
        bytes.withUnsafeBytes { locations(of: expressions, in: $0) }
    }
}

/// The state of one locating pass, reached from libxml2's callbacks through an opaque pointer
/// (as `XMLTreeBuilder` is): per open element, the trie nodes it stands for and how many
/// children of each wanted name it has had so far.
struct XMLLocatorWalk {
    private struct Frame {
        var activeStart: Int
        var countStart: Int
    }

    private struct Occurrences {
        var node: Int32
        var count: Int
    }

    let input: UnsafeRawBufferPointer
    var paths: SourceLocatorPaths
    var parser: UnsafeMutableRawPointer?
    private(set) var failed = false
    private var frames: [Frame] = []
    private var active: [Int32] = []
    private var counts: [Occurrences] = []

    init(input: UnsafeRawBufferPointer, paths: SourceLocatorPaths) {
        self.input = input
        self.paths = paths
    }

    mutating func fail() {
        guard !failed else { return }
        failed = true
        if let parser { SAXDriver.stop(parser) }
    }

    mutating func documentStarted(encoderInUse: Bool) {
        // Offsets are only cheap and exact over UTF-8, the only encoding FHIR XML allows.
        if encoderInUse { fail(); return }
        if let parser, let encoding = SAXDriver.declaredEncoding(parser),
           String(encoding.lowercased().filter { $0 != "-" }) != "utf8"
        {
            fail()
        }
    }

    mutating func startElement(localName: UnsafePointer<xmlChar>?, attributes: AttributeList) {
        guard !failed else { return }
        guard frames.count < ReadLimits.depthCeiling, let localName else { return fail() }
        let activeStart = active.count
        // The parent's counters grow while this element starts, so its own start is read last.
        defer { frames.append(Frame(activeStart: activeStart, countStart: counts.count)) }
        guard let parent = frames.last else {
            // The root: only an expression starting with this resource type applies.
            if let root = paths.roots[String(cString: localName)] {
                paths.found(root, at: tagStart())
                active.append(root)
            }
            return
        }
        guard parent.activeStart < activeStart else { return }
        let name = String(cString: localName)
        if let first = name.utf8.first, first >= UInt8(ascii: "A"), first <= UInt8(ascii: "Z") {
            // A resource inside `<resource>` or `<contained>`: FHIRPath steps straight through it.
            for index in parent.activeStart..<activeStart { active.append(active[index]) }
            return
        }
        let offset = tagStart()
        for index in parent.activeStart..<activeStart {
            guard let node = paths.child(of: active[index], named: name) else { continue }
            let occurrence = nextOccurrence(of: node, from: parent.countStart)
            paths.found(node, at: offset)
            if occurrence == 0 && paths.hasNames(node) { active.append(node) }
            if let item = paths.item(of: node, occurrence) {
                paths.found(item, at: offset)
                active.append(item)
            }
        }
        // `id` and `url` are attributes: found at their element.
        for attribute in 0..<attributes.count where attributes.namespace(attribute) == nil {
            let attributeName = String(decoding: attributes.localName(attribute), as: UTF8.self)
            for index in activeStart..<active.count {
                if let node = paths.child(of: active[index], named: attributeName) { paths.found(node, at: offset) }
            }
        }
    }

    mutating func endElement() {
        guard !failed, let frame = frames.popLast() else { return }
        active.removeSubrange(frame.activeStart...)
        counts.removeSubrange(frame.countStart...)
    }

    /// Which occurrence this is of `node`'s name among the parent's children, counting it.
    private mutating func nextOccurrence(of node: Int32, from start: Int) -> Int {
        for index in start..<counts.count where counts[index].node == node {
            counts[index].count += 1
            return counts[index].count - 1
        }
        // The parent's counters sit at the top of the stack: its children have been closed.
        counts.append(Occurrences(node: node, count: 1))
        return 0
    }

    /// The offset of the current start tag's `<`: libxml2 reports an element with the parser
    /// just past its name and attributes, and attribute values cannot contain `<` (the reader's
    /// `XMLTreeBuilder.tagStart` does the same).
    private func tagStart() -> Int {
        var offset = min(parser.map(SAXDriver.consumedBytes) ?? 0, input.count)
        while offset > 0 {
            offset -= 1
            if input[offset] == UInt8(ascii: "<") { return offset }
        }
        return 0
    }
}
