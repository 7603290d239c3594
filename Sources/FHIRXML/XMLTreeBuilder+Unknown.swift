import FHIRCore

extension XMLTreeBuilder {
    /// An element the catalogue does not know: an error in strict mode; in lenient mode it is
    /// kept, with a warning, as unknown content (its `value` attribute and child elements).
    mutating func unknownElement(name: UnsafeRawBufferPointer, attributes: AttributeList) {
        let display = displayableName(name)
        switch mode {
        case .strict:
            error(.structure, "unknown element '\(display)'", child: display)
            pushSkip()
        case .lenient:
            record(.warning, .structure, "unknown element '\(display)' kept as read", at: tagStart(), child: display)
            startUnknown(name: name, attributes: attributes)
        }
    }

    /// Unknown content is always written back as a JSON array, which holds one element or
    /// several siblings of the same name alike.
    mutating func startUnknown(name: UnsafeRawBufferPointer, attributes: AttributeList) {
        var node = FHIRElement(name: String(decoding: name, as: UTF8.self), form: [.unknown, .list])
        for index in 0..<attributes.count where attributes.localName(index).elementsEqual("value".utf8) {
            node.value = attributes.withValue(index) { String(decoding: $0, as: UTF8.self) }
            node.form.insert(.primitive)
        }
        let slot = openNode(node, position: .max)
        frames.push(Frame(kind: .unknown, nodeSlot: slot, start: currentOffset(), pathPushed: false))
    }
}
