/// One pass over a narrative `div` (already known to be well-formed XHTML) collecting what the
/// content and link rules need: whether there is any non-whitespace text or an image (`txt-2`),
/// the `href`/`src` values that are local fragments (`#id`) or URNs, and the `id`/`name`
/// anchors a fragment may point at. No regular expression; it allocates only for the links
/// and anchors it finds.
struct NarrativeScan {
    /// Text other than whitespace, or an `img` (narrative.html §2.4: an image is content).
    private(set) var hasContent = false
    /// `href`/`src` values starting with `#`.
    private(set) var fragmentLinks: [String] = []
    /// Whether an `href` has the `urn:` scheme.
    private(set) var hasURNHyperlink = false
    /// `id` and `name` attribute values: targets of `#` links within the narrative.
    private(set) var anchors: Set<String> = []

    init(_ div: String) {
        var div = div
        div.withUTF8 { scan($0) }
    }

    private mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0
        let count = bytes.count
        var depth = 0  // element nesting: text outside the root div is not content
        while index < count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "<") else {
                if depth > 0, !Self.isSpace(byte) { hasContent = true }
                index += 1
                continue
            }
            // A tag: comments, processing instructions and declarations are skipped whole.
            if index + 3 < count, bytes[index + 1] == UInt8(ascii: "!"), bytes[index + 2] == UInt8(ascii: "-") {
                index = Self.skip(past: "-->", in: bytes, from: index + 4)
                continue
            }
            if index + 1 < count, bytes[index + 1] == UInt8(ascii: "!") || bytes[index + 1] == UInt8(ascii: "?") {
                index = Self.skip(past: ">", in: bytes, from: index + 2)
                continue
            }
            let isClosing = index + 1 < count && bytes[index + 1] == UInt8(ascii: "/")
            index += isClosing ? 2 : 1
            let nameStart = index
            while index < count, !Self.isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">"), bytes[index] != UInt8(ascii: "/") {
                index += 1
            }
            let name = Self.localName(bytes, nameStart..<index)
            if isClosing {
                depth -= 1
                index = Self.skip(past: ">", in: bytes, from: index)
                continue
            }
            if Self.equals(name, "img", in: bytes) { hasContent = true }
            let isAnchor = Self.equals(name, "a", in: bytes)
            // Attributes up to `>` or `/>`.
            var selfClosing = false
            while index < count {
                let current = bytes[index]
                if current == UInt8(ascii: ">") { index += 1; break }
                if current == UInt8(ascii: "/") { selfClosing = true; index += 1; continue }
                if Self.isSpace(current) { index += 1; continue }
                let attributeStart = index
                while index < count, bytes[index] != UInt8(ascii: "="), !Self.isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">") {
                    index += 1
                }
                let attribute = attributeStart..<index
                while index < count, Self.isSpace(bytes[index]) || bytes[index] == UInt8(ascii: "=") { index += 1 }
                guard index < count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else { continue }
                let quote = bytes[index]
                index += 1
                let valueStart = index
                while index < count, bytes[index] != quote { index += 1 }
                let value = valueStart..<index
                index += 1
                note(attribute: attribute, value: value, isAnchor: isAnchor, in: bytes)
            }
            if !selfClosing { depth += 1 }
        }
    }

    private mutating func note(attribute: Range<Int>, value: Range<Int>, isAnchor: Bool, in bytes: UnsafeBufferPointer<UInt8>) {
        let isHref = Self.equals(attribute, "href", in: bytes)
        if isHref || Self.equals(attribute, "src", in: bytes) {
            guard !value.isEmpty else { return }
            if bytes[value.lowerBound] == UInt8(ascii: "#") {
                fragmentLinks.append(Self.text(bytes, value))
            } else if isHref, value.count > 4, Self.equalsIgnoringCase(value.lowerBound..<value.lowerBound + 4, "urn:", in: bytes) {
                hasURNHyperlink = true
            }
        } else if Self.equals(attribute, "id", in: bytes) || (isAnchor && Self.equals(attribute, "name", in: bytes)) {
            anchors.insert(Self.text(bytes, value))
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// `xhtml:img` → `img`.
    private static func localName(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var start = range.lowerBound
        for position in range where bytes[position] == UInt8(ascii: ":") { start = position + 1 }
        return start..<range.upperBound
    }

    private static func equals(_ range: Range<Int>, _ literal: StaticString, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<range.count where bytes[range.lowerBound + offset] != pointer[offset] { return false }
        return true
    }

    private static func equalsIgnoringCase(_ range: Range<Int>, _ literal: StaticString, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<range.count where bytes[range.lowerBound + offset] | 0x20 != pointer[offset] | 0x20 { return false }
        return true
    }

    private static func skip(past terminator: StaticString, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let length = terminator.utf8CodeUnitCount
        var index = start
        while index + length <= bytes.count {
            if equals(index..<index + length, terminator, in: bytes) { return index + length }
            index += 1
        }
        return bytes.count
    }

    /// Attribute text with the XML entities a fragment or an id may carry undone.
    private static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        let raw = String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        guard raw.contains("&") else { return raw }
        return raw.replacing("&quot;", with: "\"").replacing("&apos;", with: "'").replacing("&lt;", with: "<")
            .replacing("&gt;", with: ">").replacing("&amp;", with: "&")
    }
}
