/// Whether a narrative `div` from JSON is one well-formed XML element named `div` that declares
/// the XHTML namespace (`xmlns="http://www.w3.org/1999/xhtml"`, as FHIR JSON requires and as
/// the XML reader requires of a div): what the XML writer needs, since it writes the div's text
/// as it is into the document. Tags balanced and nested, attribute values quoted, `&` only as a
/// character or entity reference, `<` only as markup, comments and CDATA closed, nothing around
/// the root, not even white space.
///
/// The JSON reader checks this (the XML reader has libxml2 parse the div); which elements and
/// attributes FHIR narrative allows is the validator's `NarrativeCheck`, on the parsed div.
/// Found by fuzzing: `"div": "+<div …>…</div>"` was read, and written as XML with stray text.
enum XHTMLOutline {
    /// The deepest nesting accepted, as the readers limit element depth.
    static let maximumDepth = 512

    static func isWellFormedDiv(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        func skipSpace() {
            while index < count, isSpace(bytes[index]) { index += 1 }
        }
        func starts(with literal: StaticString) -> Bool {
            let length = literal.utf8CodeUnitCount
            guard index + length <= count else { return false }
            for offset in 0..<length where bytes[index + offset] != literal.utf8Start[offset] { return false }
            return true
        }
        /// Moves past the first `terminator` at or after the index; false when there is none.
        func skip(past terminator: StaticString) -> Bool {
            while index < count {
                if starts(with: terminator) {
                    index += terminator.utf8CodeUnitCount
                    return true
                }
                index += 1
            }
            return false
        }
        func name() -> Range<Int>? {
            let start = index
            guard index < count, isNameStart(bytes[index]) else { return nil }
            index += 1
            while index < count, isNameByte(bytes[index]) { index += 1 }
            return start..<index
        }
        func reference() -> Bool {
            // At `&`: `&name;`, `&#123;` or `&#x7B;`.
            index += 1
            if index < count, bytes[index] == UInt8(ascii: "#") {
                index += 1
                let hex = index < count && bytes[index] == UInt8(ascii: "x")
                if hex { index += 1 }
                let start = index
                while index < count, hex ? isHexDigit(bytes[index]) : isDigit(bytes[index]) { index += 1 }
                guard index > start else { return false }
            } else if name() == nil {
                return false
            }
            guard index < count, bytes[index] == UInt8(ascii: ";") else { return false }
            index += 1
            return true
        }
        /// A start tag's attributes (each name and value range handed to `attribute`) and its end
        /// (`>` or `/>`); nil when malformed, else whether the element is empty (`/>`).
        func attributesAndEnd(_ attribute: (Range<Int>, Range<Int>) -> Void = { _, _ in }) -> Bool? {
            while true {
                let hadSpace = index < count && isSpace(bytes[index])
                skipSpace()
                guard index < count else { return nil }
                if bytes[index] == UInt8(ascii: ">") {
                    index += 1
                    return false
                }
                if starts(with: "/>") {
                    index += 2
                    return true
                }
                guard hadSpace, let attributeName = name() else { return nil }
                skipSpace()
                guard index < count, bytes[index] == UInt8(ascii: "=") else { return nil }
                index += 1
                skipSpace()
                guard index < count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else { return nil }
                let quote = bytes[index]
                index += 1
                let valueStart = index
                while index < count, bytes[index] != quote {
                    if bytes[index] == UInt8(ascii: "<") { return nil }
                    if bytes[index] == UInt8(ascii: "&") {
                        guard reference() else { return nil }
                        continue
                    }
                    index += 1
                }
                guard index < count else { return nil }
                attribute(attributeName, valueStart..<index)
                index += 1
            }
        }

        // No white space around the root: the XML reader keeps exactly the div element's bytes,
        // so anything outside it would not survive JSON → XML → JSON (fuzzing found `</div> `).
        guard index < count, bytes[index] == UInt8(ascii: "<") else { return false }
        index += 1
        guard let rootName = name(), equals(bytes, rootName, "div") else { return false }
        var declaresXHTML = false
        guard let rootIsEmpty = attributesAndEnd({ name, value in
            if equals(bytes, name, "xmlns"), equals(bytes, value, "http://www.w3.org/1999/xhtml") { declaresXHTML = true }
        }), declaresXHTML else { return false }
        var open: [Range<Int>] = rootIsEmpty ? [] : [rootName]
        while !open.isEmpty {
            guard index < count else { return false }
            let byte = bytes[index]
            if byte == UInt8(ascii: "&") {
                guard reference() else { return false }
            } else if byte != UInt8(ascii: "<") {
                index += 1
            } else if starts(with: "<!--") {
                index += 4
                guard skip(past: "-->") else { return false }
            } else if starts(with: "<![CDATA[") {
                index += 9
                guard skip(past: "]]>") else { return false }
            } else if starts(with: "</") {
                index += 2
                guard let closing = name(), let innermost = open.last,
                      bytes[closing].elementsEqual(bytes[innermost]) else { return false }
                skipSpace()
                guard index < count, bytes[index] == UInt8(ascii: ">") else { return false }
                index += 1
                open.removeLast()
            } else {
                index += 1
                guard let element = name(), let isEmpty = attributesAndEnd() else { return false }
                if !isEmpty {
                    guard open.count < maximumDepth else { return false }
                    open.append(element)
                }
            }
        }
        return index == count
    }

    private static func equals(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ literal: StaticString) -> Bool {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        for offset in 0..<range.count where bytes[range.lowerBound + offset] != literal.utf8Start[offset] { return false }
        return true
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    /// XML name characters, ASCII ones checked and any non-ASCII byte accepted (the validator
    /// parses the div properly).
    private static func isNameStart(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":")
            || byte >= 0x80
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        isNameStart(byte) || isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }
}
