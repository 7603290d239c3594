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
        output.writeObject(resourceType: resource.resourceType, children: resource.children, level: 0)
        if pretty { output.buffer.append(0x0A) }
        return output.buffer.finish()
    }
}

/// The bytes being written and the pieces of JSON. Children are visited by index, never
/// copied out of their arrays, so writing retains nothing.
struct JSONOutput {
    let pretty: Bool
    var buffer = OutputBuffer(capacity: 64 * 1024)

    init(pretty: Bool) {
        self.pretty = pretty
    }

    mutating func writeObject(resourceType: String?, children: [FHIRElement], level: Int) {
        buffer.append(UInt8(ascii: "{"))
        var first = true
        if let resourceType {
            writeKey("resourceType", underscore: false, first: &first, level: level + 1)
            writeString(resourceType)
        }
        writeMembers(children, level: level + 1, first: &first)
        if pretty && !first { newline(level) }
        buffer.append(UInt8(ascii: "}"))
    }

    /// One JSON member per element name: a repeating element's consecutive nodes form an array.
    private mutating func writeMembers(_ children: [FHIRElement], level: Int, first: inout Bool) {
        var start = 0
        while start < children.count {
            let isList = children[start].form.contains(.list)
            var end = start + 1
            if isList {
                while end < children.count && children[end].name == children[start].name { end += 1 }
            }
            if children[start].form.contains(.unknown) {
                // Content kept by a lenient read: each item as it was, a value or an object.
                writeKey(children[start].name, underscore: false, first: &first, level: level)
                if isList { openArray() }
                for index in start..<end {
                    if isList { nextItem(index > start, level: level) }
                    if children[index].value != nil {
                        writePrimitiveValue(children[index].value, form: children[index].form)
                    } else {
                        writeObject(resourceType: nil, children: children[index].children, level: isList ? level + 1 : level)
                    }
                }
                if isList { closeArray(level: level) }
            } else if children[start].isPrimitive {
                var anyValue = false
                var anyExtras = false
                for index in start..<end {
                    anyValue = anyValue || children[index].value != nil
                    anyExtras = anyExtras || !children[index].children.isEmpty
                }
                if anyValue {
                    writeKey(children[start].name, underscore: false, first: &first, level: level)
                    if isList { openArray() }
                    for index in start..<end {
                        if isList { nextItem(index > start, level: level) }
                        writePrimitiveValue(children[index].value, form: children[index].form)
                    }
                    if isList { closeArray(level: level) }
                }
                if anyExtras {
                    writeKey(children[start].name, underscore: true, first: &first, level: level)
                    if isList { openArray() }
                    for index in start..<end {
                        if isList { nextItem(index > start, level: level) }
                        if children[index].children.isEmpty {
                            append("null")
                        } else {
                            writeObject(resourceType: nil, children: children[index].children, level: isList ? level + 1 : level)
                        }
                    }
                    if isList { closeArray(level: level) }
                }
            } else {
                writeKey(children[start].name, underscore: false, first: &first, level: level)
                if isList { openArray() }
                for index in start..<end {
                    if isList { nextItem(index > start, level: level) }
                    writeObject(resourceType: children[index].resourceType, children: children[index].children,
                                level: isList ? level + 1 : level)
                }
                if isList { closeArray(level: level) }
            }
            start = end
        }
    }

    private mutating func openArray() {
        buffer.append(UInt8(ascii: "["))
    }

    private mutating func nextItem(_ needsComma: Bool, level: Int) {
        if needsComma { buffer.append(UInt8(ascii: ",")) }
        if pretty { newline(level + 1) }
    }

    private mutating func closeArray(level: Int) {
        if pretty { newline(level) }
        buffer.append(UInt8(ascii: "]"))
    }

    private mutating func writeKey(_ name: String, underscore: Bool, first: inout Bool, level: Int) {
        if !first { buffer.append(UInt8(ascii: ",")) }
        first = false
        if pretty { newline(level) }
        buffer.append(UInt8(ascii: "\""))
        if underscore { buffer.append(UInt8(ascii: "_")) }
        appendRaw(name)  // element names never need escaping
        buffer.append(UInt8(ascii: "\""))
        buffer.append(UInt8(ascii: ":"))
        if pretty { buffer.append(UInt8(ascii: " ")) }
    }

    private mutating func writePrimitiveValue(_ value: String?, form: FHIRElement.Form) {
        guard let value else {
            append("null")
            return
        }
        if form.contains(.number) || form.contains(.boolean) {
            appendRaw(value)
        } else {
            writeString(value)
        }
    }

    private mutating func newline(_ level: Int) {
        buffer.append(0x0A)
        buffer.append(repeating: UInt8(ascii: " "), count: level * 2)
    }

    private mutating func append(_ text: StaticString) {
        buffer.append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private mutating func appendRaw(_ text: String) {
        if let done: Void = text.utf8.withContiguousStorageIfAvailable({ buffer.append(UnsafeRawBufferPointer($0)) }) {
            return done
        }
        for byte in text.utf8 { buffer.append(byte) }
    }

    /// A JSON string: `"` and `\` escaped, control characters as short escapes or `\u00XX`.
    mutating func writeString(_ text: String) {
        buffer.append(UInt8(ascii: "\""))
        if text.utf8.withContiguousStorageIfAvailable({ appendEscaped(UnsafeRawBufferPointer($0)) }) == nil {
            appendEscaped(Array(text.utf8).withUnsafeBytes { $0 })
        }
        buffer.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscaped(_ utf8: UnsafeRawBufferPointer) {
        var runStart = 0
        var index = 0
        while index < utf8.count {
            // Eight bytes at a time while nothing needs escaping.
            if index + 8 <= utf8.count
                && !ByteChunks.needsEscapeInString(utf8.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            {
                index += 8
                continue
            }
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            buffer.append(UnsafeRawBufferPointer(rebasing: utf8[runStart..<index]))
            buffer.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): buffer.append(byte)
            case 0x0A: buffer.append(UInt8(ascii: "n"))
            case 0x0D: buffer.append(UInt8(ascii: "r"))
            case 0x09: buffer.append(UInt8(ascii: "t"))
            case 0x08: buffer.append(UInt8(ascii: "b"))
            case 0x0C: buffer.append(UInt8(ascii: "f"))
            default:
                append("u00")
                buffer.append(hexDigit(byte >> 4))
                buffer.append(hexDigit(byte & 0x0F))
            }
            index += 1
            runStart = index
        }
        buffer.append(UnsafeRawBufferPointer(rebasing: utf8[runStart..<utf8.count]))
    }

    private func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
