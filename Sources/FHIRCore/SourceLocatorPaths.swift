/// Shared by the JSON and XML source locators (`package` access).
/// The FHIRPath expressions a source locator looks for, as the validator and the readers write
/// them (`PathStack`): `Bundle.entry[2].resource.name[0].given[1]`,
/// `Observation.value.ofType(Quantity)`. They are merged into one trie of steps, a name (a JSON
/// key or an XML element name) or an item index, so one pass over the document serves all of
/// them; the walker records in each node the byte offset where it found that step.
package struct SourceLocatorPaths {
    package struct Node {
        /// Child steps by name: the JSON key or XML local name (`valueQuantity` for a choice).
        package var names: [String: Int32] = [:]
        package var items: [Int: Int32] = [:]
        /// Where the step was found, or -1.
        package var offset = -1
        /// JSON only: where it was found through a primitive's `_name` twin, used when `name`
        /// itself is absent.
        package var twinOffset = -1
        package var location: Int { offset >= 0 ? offset : twinOffset }
    }

    private struct Target {
        var expression: String
        /// The nodes of the expression's steps; the first is a root.
        var chain: [Int32]
        /// Where in `chain` the last FHIRPath segment starts: only that segment may be absent.
        var lastSegment: Int
    }

    package private(set) var nodes: [Node] = []
    /// The root node for each resource type an expression starts with.
    package private(set) var roots: [String: Int32] = [:]
    private var targets: [Target] = []

    package init(_ expressions: Set<String>) {
        for expression in expressions {
            guard let segments = Self.segments(of: expression), let first = segments.first,
                  first.type == nil, first.index == nil
            else { continue }
            let root = roots[first.name] ?? newNode()
            roots[first.name] = root
            var chain = [root]
            var lastSegment = 0
            for segment in segments.dropFirst() {
                lastSegment = chain.count
                var node = step(from: chain[chain.count - 1], name: segment.key)
                chain.append(node)
                if let index = segment.index {
                    node = step(from: node, item: index)
                    chain.append(node)
                }
            }
            targets.append(Target(expression: expression, chain: chain, lastSegment: lastSegment))
        }
    }

    package var isEmpty: Bool { targets.isEmpty }

    package mutating func found(_ node: Int32, at offset: Int) {
        if nodes[Int(node)].offset < 0 { nodes[Int(node)].offset = offset }
    }

    package mutating func foundTwin(_ node: Int32, at offset: Int) {
        if nodes[Int(node)].twinOffset < 0 { nodes[Int(node)].twinOffset = offset }
    }

    /// Forgets a root the document turned out not to have (JSON learns `resourceType` late).
    package mutating func unfind(_ node: Int32) {
        nodes[Int(node)].offset = -1
        nodes[Int(node)].twinOffset = -1
    }

    package func child(of node: Int32, named name: String) -> Int32? { nodes[Int(node)].names[name] }
    package func item(of node: Int32, _ index: Int) -> Int32? { nodes[Int(node)].items[index] }
    package func hasNames(_ node: Int32) -> Bool { !nodes[Int(node)].names.isEmpty }

    /// Line and column of each expression whose steps were all found, or all but a tail of the
    /// last segment (a missing required child is located at its parent).
    package func locations(in bytes: UnsafeRawBufferPointer) -> [String: SourceLocation] {
        var located: [(expression: String, offset: Int)] = []
        for target in targets {
            var offset = -1
            for (position, node) in target.chain.enumerated() {
                let here = nodes[Int(node)].location
                if here < 0 {
                    // A gap before the last segment, or no root: the expression is not this document's.
                    if position < target.lastSegment || position == 0 { offset = -1 }
                    break
                }
                offset = here
            }
            if offset >= 0 { located.append((target.expression, offset)) }
        }
        located.sort { $0.offset < $1.offset }
        // Increasing offsets: one pass of the reader's own line and column counting.
        var source = SourceText(bytes)
        var result: [String: SourceLocation] = [:]
        result.reserveCapacity(located.count)
        for entry in located { result[entry.expression] = source.location(ofOffset: entry.offset) }
        return result
    }

    private mutating func newNode() -> Int32 {
        nodes.append(Node())
        return Int32(nodes.count - 1)
    }

    private mutating func step(from parent: Int32, name: String) -> Int32 {
        if let existing = nodes[Int(parent)].names[name] { return existing }
        let node = newNode()
        nodes[Int(parent)].names[name] = node
        return node
    }

    private mutating func step(from parent: Int32, item index: Int) -> Int32 {
        if let existing = nodes[Int(parent)].items[index] { return existing }
        let node = newNode()
        nodes[Int(parent)].items[index] = node
        return node
    }

    // MARK: expressions

    package struct Segment: Equatable {
        package var name: String
        package var type: String?
        package var index: Int?

        /// The name as written in JSON and XML: a choice is the name plus the type with its
        /// first letter upper-cased (json.html §2.6.2.6, `value.ofType(string)` → `valueString`).
        package var key: String {
            guard let type else { return name }
            return name + type.prefix(1).uppercased() + type.dropFirst()
        }
    }

    /// `name[i].ofType(T)`-style segments; nil for anything else (a function other than
    /// `ofType`, a quoted name, an unterminated bracket).
    package static func segments(of expression: String) -> [Segment]? {
        let bytes = Array(expression.utf8)
        guard bytes.count <= 4096 else { return nil }
        var position = 0
        var segments: [Segment] = []

        func identifier() -> String? {
            let start = position
            while position < bytes.count, isNameByte(bytes[position]) { position += 1 }
            guard position > start, position - start <= 128 else { return nil }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }
        func accept(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard position + count <= bytes.count else { return false }
            for offset in 0..<count where bytes[position + offset] != text.utf8Start[offset] { return false }
            position += count
            return true
        }

        while true {
            guard let name = identifier() else { return nil }
            var segment = Segment(name: name)
            if accept(".ofType(") {
                guard let type = identifier(), accept(")") else { return nil }
                segment.type = type
            }
            if accept("[") {
                let start = position
                while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
                let digits = String(decoding: bytes[start..<position], as: UTF8.self)
                guard position > start, position - start <= 9, accept("]") else { return nil }
                segment.index = Int(digits)
            }
            segments.append(segment)
            if position == bytes.count { return segments }
            guard accept(".") else { return nil }
        }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }
}
