/// A small XML reader for the official FHIRPath test suite file, built into a tiny DOM.
///
/// Deliberately not FoundationXML: that loads a second libxml2 next to FHIRXML's and clashes
/// with ICU (see /work/shared/docs/PLATFORM-NOTES.md). It reads what the suite file uses:
/// elements, attributes, text, comments, the XML declaration, CDATA and the predefined and
/// numeric character references. No DTDs, no namespaces beyond keeping prefixed names.
struct MiniXMLElement: Sendable {
    var name: String
    var attributes: [String: String]
    var children: [MiniXMLElement]
    /// The element's own character data (text and CDATA directly inside it), in order.
    var text: String

    subscript(attribute: String) -> String? { attributes[attribute] }

    /// Child elements with this name, in document order.
    func elements(_ name: String) -> [MiniXMLElement] { children.filter { $0.name == name } }

    /// The first child element with this name.
    func element(_ name: String) -> MiniXMLElement? { children.first { $0.name == name } }
}

struct MiniXMLError: Error, CustomStringConvertible {
    let message: String
    let line: Int
    var description: String { "XML error at line \(line): \(message)" }
}

enum MiniXML {
    /// Parses a whole document and returns its root element.
    static func parse(_ bytes: [UInt8]) throws(MiniXMLError) -> MiniXMLElement {
        var parser = MiniXMLParser(bytes: bytes)
        return try parser.document()
    }
}

private struct MiniXMLParser {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    private var line: Int { bytes[..<min(index, bytes.count)].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 } }

    private func fail(_ message: String) -> MiniXMLError { MiniXMLError(message: message, line: line) }

    private func peek(_ text: String) -> Bool {
        let needle = Array(text.utf8)
        return index + needle.count <= bytes.count && bytes[index..<index + needle.count].elementsEqual(needle)
    }

    private mutating func skip(past terminator: String, what: String) throws(MiniXMLError) {
        let needle = Array(terminator.utf8)
        while index + needle.count <= bytes.count {
            if bytes[index..<index + needle.count].elementsEqual(needle) {
                index += needle.count
                return
            }
            index += 1
        }
        throw fail("unterminated \(what)")
    }

    private mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    /// Skips the prolog and trailing misc (declaration, comments, processing instructions, space).
    private mutating func skipMisc() throws(MiniXMLError) {
        while true {
            skipSpace()
            if peek("<?") {
                try skip(past: "?>", what: "processing instruction")
            } else if peek("<!--") {
                try skip(past: "-->", what: "comment")
            } else if peek("<!DOCTYPE") {
                throw fail("DOCTYPE is not supported")
            } else {
                return
            }
        }
    }

    mutating func document() throws(MiniXMLError) -> MiniXMLElement {
        try skipMisc()
        guard peek("<") else { throw fail("expected the root element") }
        let root = try element()
        try skipMisc()
        guard index == bytes.count else { throw fail("content after the root element") }
        return root
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: ":"):
            true
        default:
            byte >= 0x80
        }
    }

    private mutating func name() throws(MiniXMLError) -> String {
        let start = index
        while index < bytes.count, Self.isNameByte(bytes[index]) { index += 1 }
        guard index > start else { throw fail("expected a name") }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// An element, with `index` at its `<`.
    private mutating func element() throws(MiniXMLError) -> MiniXMLElement {
        index += 1
        let tag = try name()
        var attributes: [String: String] = [:]
        while true {
            skipSpace()
            guard index < bytes.count else { throw fail("unterminated start tag <\(tag)>") }
            if peek("/>") {
                index += 2
                return MiniXMLElement(name: tag, attributes: attributes, children: [], text: "")
            }
            if peek(">") {
                index += 1
                break
            }
            let attribute = try name()
            skipSpace()
            guard peek("=") else { throw fail("expected '=' after attribute \(attribute)") }
            index += 1
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                throw fail("expected a quoted attribute value")
            }
            let quote = bytes[index]
            index += 1
            let start = index
            while index < bytes.count, bytes[index] != quote { index += 1 }
            guard index < bytes.count else { throw fail("unterminated attribute value") }
            let raw = Array(bytes[start..<index])
            index += 1
            guard attributes[attribute] == nil else { throw fail("duplicate attribute \(attribute)") }
            attributes[attribute] = try decodeReferences(raw, normaliseSpace: true)
        }
        var children: [MiniXMLElement] = []
        var text: [UInt8] = []
        while true {
            guard index < bytes.count else { throw fail("element <\(tag)> is not closed") }
            if peek("</") {
                index += 2
                let closing = try name()
                guard closing == tag else { throw fail("</\(closing)> closes <\(tag)>") }
                skipSpace()
                guard peek(">") else { throw fail("expected '>' in end tag") }
                index += 1
                let decoded = try decodeReferences(text, normaliseSpace: false)
                return MiniXMLElement(name: tag, attributes: attributes, children: children, text: decoded)
            } else if peek("<!--") {
                try skip(past: "-->", what: "comment")
            } else if peek("<![CDATA[") {
                index += 9
                let start = index
                try skip(past: "]]>", what: "CDATA section")
                // CDATA is literal: escape its ampersands so the reference pass leaves them alone.
                for byte in bytes[start..<index - 3] {
                    if byte == UInt8(ascii: "&") { text += Array("&amp;".utf8) } else { text.append(byte) }
                }
            } else if peek("<?") {
                try skip(past: "?>", what: "processing instruction")
            } else if peek("<") {
                children.append(try element())
            } else {
                text.append(bytes[index])
                index += 1
            }
        }
    }

    /// Replaces `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` and `&#…;` references; attribute values
    /// also have their tabs and line ends turned into spaces (XML 1.0 §3.3.3).
    private func decodeReferences(_ raw: [UInt8], normaliseSpace: Bool) throws(MiniXMLError) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var position = 0
        while position < raw.count {
            let byte = raw[position]
            if byte == UInt8(ascii: "&") {
                guard let end = raw[position...].firstIndex(of: UInt8(ascii: ";")) else {
                    throw fail("unterminated character reference")
                }
                let entity = String(decoding: raw[(position + 1)..<end], as: UTF8.self)
                switch entity {
                case "lt": out.append(UInt8(ascii: "<"))
                case "gt": out.append(UInt8(ascii: ">"))
                case "amp": out.append(UInt8(ascii: "&"))
                case "quot": out.append(UInt8(ascii: "\""))
                case "apos": out.append(UInt8(ascii: "'"))
                default:
                    var scalar: UInt32?
                    if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                        scalar = UInt32(entity.dropFirst(2), radix: 16)
                    } else if entity.hasPrefix("#") {
                        scalar = UInt32(entity.dropFirst(), radix: 10)
                    }
                    guard let value = scalar, let unicode = Unicode.Scalar(value) else {
                        throw fail("unknown entity &\(entity);")
                    }
                    out += Array(String(Character(unicode)).utf8)
                }
                position = end + 1
            } else if byte == UInt8(ascii: "\r") {
                // Line ends are normalised to LF (XML 1.0 §2.11).
                out.append(normaliseSpace ? 0x20 : 0x0A)
                if position + 1 < raw.count, raw[position + 1] == 0x0A { position += 1 }
                position += 1
            } else {
                out.append(normaliseSpace && (byte == 0x09 || byte == 0x0A) ? 0x20 : byte)
                position += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
