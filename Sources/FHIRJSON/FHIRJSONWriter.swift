import FHIRCore

/// Writes the element tree as FHIR JSON: `resourceType` first, children in the tree's order
/// (definition order, as readers leave it), primitives' `id`/`extension` in `_name` beside
/// `name` with `null`s in parallel arrays, and values exactly as read (`1.50` stays `1.50`).
public struct FHIRJSONWriter: Sendable {
    /// Two-space indentation and a newline per member, as the official examples are written.
    public var pretty: Bool

    public init(pretty: Bool = false) {
        self.pretty = pretty
    }

    public func write(_ resource: FHIRElement) -> [UInt8] {
        var output = JSONOutput(pretty: pretty)
        output.writeNode(resource, level: 0)
        if pretty { output.bytes.append(0x0A) }
        return output.bytes
    }
}

/// The bytes being written and the helpers that write JSON's pieces.
struct JSONOutput {
    let pretty: Bool
    var bytes: [UInt8] = []

    init(pretty: Bool) {
        self.pretty = pretty
        bytes.reserveCapacity(64 * 1024)
    }

    mutating func writeNode(_ node: FHIRElement, level: Int) {
        bytes.append(UInt8(ascii: "{"))
        var first = true
        if let resourceType = node.resourceType {
            writeKey("resourceType", first: &first, level: level + 1)
            writeString(resourceType)
        }
        writeMembers(node.children, level: level + 1, first: &first)
        if pretty && !first { newline(level) }
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func writeMembers(_ children: [FHIRElement], level: Int, first: inout Bool) {
        var start = 0
        while start < children.count {
            let head = children[start]
            var end = start + 1
            if head.form.contains(.list) {
                while end < children.count && children[end].name == head.name { end += 1 }
            }
            let group = children[start..<end]
            let isList = head.form.contains(.list)
            if head.isPrimitive {
                if group.contains(where: { $0.value != nil }) {
                    writeKey(head.name, first: &first, level: level)
                    writeGroup(group, isList: isList, level: level) { output, node, _ in
                        if node.value == nil { output.append("null") } else { output.writeValue(node) }
                    }
                }
                if group.contains(where: { !$0.children.isEmpty }) {
                    writeKey("_" + head.name, first: &first, level: level)
                    writeGroup(group, isList: isList, level: level) { output, node, level in
                        if node.children.isEmpty {
                            output.append("null")
                        } else {
                            output.writeNode(FHIRElement(name: node.name, children: node.children), level: level)
                        }
                    }
                }
            } else {
                writeKey(head.name, first: &first, level: level)
                writeGroup(group, isList: isList, level: level) { output, node, level in
                    output.writeNode(node, level: level)
                }
            }
            start = end
        }
    }

    private mutating func writeGroup(
        _ group: ArraySlice<FHIRElement>, isList: Bool, level: Int,
        _ writeItem: (inout JSONOutput, FHIRElement, Int) -> Void
    ) {
        guard isList else {
            writeItem(&self, group[group.startIndex], level)
            return
        }
        bytes.append(UInt8(ascii: "["))
        var firstItem = true
        for node in group {
            if !firstItem { bytes.append(UInt8(ascii: ",")) }
            firstItem = false
            if pretty { newline(level + 1) }
            writeItem(&self, node, level + 1)
        }
        if pretty { newline(level) }
        bytes.append(UInt8(ascii: "]"))
    }

    private mutating func writeKey(_ name: String, first: inout Bool, level: Int) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        if pretty { newline(level) }
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
        if pretty { bytes.append(UInt8(ascii: " ")) }
    }

    private mutating func writeValue(_ node: FHIRElement) {
        guard let value = node.value else { return }
        if node.form.contains(.number) || node.form.contains(.boolean) {
            append(value)
        } else {
            writeString(value)
        }
    }

    private mutating func newline(_ level: Int) {
        bytes.append(0x0A)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * 2))
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// A JSON string: `"` and `\` escaped, control characters as short escapes or `\u00XX`.
    mutating func writeString(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            bytes.append(UInt8(ascii: "\""))
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                runStart = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
            bytes.append(UInt8(ascii: "\""))
        }
    }
}
