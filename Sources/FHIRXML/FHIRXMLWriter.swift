import FHIRCore

/// Writes the element tree as FHIR XML (xml.html): the root in the FHIR namespace, children in
/// the tree's (definition) order, values in `value` attributes, `Element.id` and
/// `Extension.url` as attributes, resources nested inside their container element, and the
/// narrative XHTML embedded as it was read. Values are written exactly as held (`1.50`).
public struct FHIRXMLWriter: Sendable {
    /// Two-space indentation and a newline per element, as the official examples are written.
    public var pretty: Bool

    public init(pretty: Bool = false) {
        self.pretty = pretty
    }

    public func write(_ resource: FHIRElement) -> [UInt8] {
        var output = XMLOutput(pretty: pretty)
        output.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        if pretty { output.buffer.append(0x0A) }
        let type = resource.resourceType ?? resource.name
        output.writeResource(type: type, children: resource.children, level: 0, declareNamespace: true)
        if pretty { output.buffer.append(0x0A) }
        return output.buffer.finish()
    }
}

struct XMLOutput {
    let pretty: Bool
    var buffer = OutputBuffer(capacity: 64 * 1024)

    init(pretty: Bool) {
        self.pretty = pretty
    }

    mutating func writeResource(type: String, children: [FHIRElement], level: Int, declareNamespace: Bool) {
        buffer.append(UInt8(ascii: "<"))
        appendRaw(type)
        if declareNamespace { append(" xmlns=\"http://hl7.org/fhir\"") }
        writeContent(children, name: type, level: level)
    }

    /// Attributes, then `>` and the child elements and the end tag, or `/>` when there are none.
    private mutating func writeContent(_ children: [FHIRElement], name: String, level: Int, value: String? = nil) {
        var hasElements = false
        for index in children.indices {
            if children[index].form.contains(.xmlAttribute) {
                writeAttribute(children[index].name, children[index].value ?? "")
            } else {
                hasElements = true
            }
        }
        if let value { writeAttribute("value", value) }
        guard hasElements else {
            append("/>")
            return
        }
        buffer.append(UInt8(ascii: ">"))
        for index in children.indices where !children[index].form.contains(.xmlAttribute) {
            if pretty { newline(level + 1) }
            writeElement(children[index], level: level + 1)
        }
        if pretty { newline(level) }
        append("</")
        appendRaw(name)
        buffer.append(UInt8(ascii: ">"))
    }

    private mutating func writeElement(_ node: FHIRElement, level: Int) {
        if node.form.contains(.xhtml), let xhtml = node.value {
            // Already XHTML; a div read from JSON without its namespace declaration gets one, or
            // it would land in the FHIR namespace.
            if xhtml.hasPrefix("<div"), let tagEnd = xhtml.firstIndex(of: ">"), !xhtml[..<tagEnd].contains("xmlns") {
                append("<div xmlns=\"http://www.w3.org/1999/xhtml\"")
                appendRaw(String(xhtml.dropFirst(4)))
            } else {
                appendRaw(xhtml)
            }
            return
        }
        buffer.append(UInt8(ascii: "<"))
        appendRaw(node.name)
        if let resourceType = node.resourceType {
            buffer.append(UInt8(ascii: ">"))
            if pretty { newline(level + 1) }
            writeResource(type: resourceType, children: node.children, level: level + 1, declareNamespace: false)
            if pretty { newline(level) }
            append("</")
            appendRaw(node.name)
            buffer.append(UInt8(ascii: ">"))
            return
        }
        writeContent(node.children, name: node.name, level: level, value: node.value)
    }

    private mutating func writeAttribute(_ name: String, _ value: String) {
        buffer.append(UInt8(ascii: " "))
        appendRaw(name)
        append("=\"")
        if value.utf8.withContiguousStorageIfAvailable({ appendEscaped(UnsafeRawBufferPointer($0)) }) == nil {
            appendEscaped(Array(value.utf8).withUnsafeBytes { $0 })
        }
        buffer.append(UInt8(ascii: "\""))
    }

    /// Attribute text: markup characters as entities, whitespace controls as character references.
    private mutating func appendEscaped(_ utf8: UnsafeRawBufferPointer) {
        var runStart = 0
        var index = 0
        while index < utf8.count {
            if index + 8 <= utf8.count
                && !ByteChunks.needsEscapeInAttribute(utf8.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            {
                index += 8
                continue
            }
            let replacement: StaticString
            switch utf8[index] {
            case UInt8(ascii: "\""): replacement = "&quot;"
            case UInt8(ascii: "&"): replacement = "&amp;"
            case UInt8(ascii: "<"): replacement = "&lt;"
            case UInt8(ascii: ">"): replacement = "&gt;"
            case 0x09: replacement = "&#9;"
            case 0x0A: replacement = "&#10;"
            case 0x0D: replacement = "&#13;"
            default:
                index += 1
                continue
            }
            buffer.append(UnsafeRawBufferPointer(rebasing: utf8[runStart..<index]))
            append(replacement)
            index += 1
            runStart = index
        }
        buffer.append(UnsafeRawBufferPointer(rebasing: utf8[runStart..<utf8.count]))
    }

    private mutating func newline(_ level: Int) {
        buffer.append(0x0A)
        buffer.append(repeating: UInt8(ascii: " "), count: level * 2)
    }

    mutating func append(_ text: StaticString) {
        buffer.append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private mutating func appendRaw(_ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ buffer.append(UnsafeRawBufferPointer($0)) }) == nil {
            for byte in text.utf8 { buffer.append(byte) }
        }
    }
}
