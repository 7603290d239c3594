/// Lexical checks of primitive values, written over bytes because they run on every value a
/// reader sees. They accept what the R4 regexes in the catalogue accept (a test runs both over
/// the same samples), and additionally refuse calendar dates that do not exist (`2023-02-30`)
/// and numbers outside what FHIR's integer types and IEEE doubles hold.
public enum FormatProblem: Sendable, Hashable {
    case empty
    case syntax
    case outOfRange
}

extension PrimitiveKind {
    /// `nil` when the UTF-8 lexeme is a valid value of this type.
    public func check(_ lexeme: UnsafeRawBufferPointer) -> FormatProblem? {
        if lexeme.isEmpty { return .empty }
        var scanner = ByteScanner(lexeme)
        switch self {
        case .boolean:
            return lexeme.elementsEqual("true".utf8) || lexeme.elementsEqual("false".utf8) ? nil : .syntax
        case .integer:
            return scanner.checkInteger(minimum: Int64(Int32.min))
        case .unsignedInt:
            return scanner.checkInteger(minimum: 0)
        case .positiveInt:
            return scanner.checkInteger(minimum: 1)
        case .decimal:
            return scanner.checkDecimal()
        case .date:
            return scanner.checkDate(requireFull: false) && scanner.atEnd ? nil : .syntax
        case .dateTime:
            return scanner.checkDateTime(requireTime: false) ? nil : .syntax
        case .instant:
            return scanner.checkDateTime(requireTime: true) ? nil : .syntax
        case .time:
            return scanner.checkTime() && scanner.atEnd ? nil : .syntax
        case .string, .markdown:
            // Most text has no byte below 0x20 at all: only then is each byte looked at.
            guard !hasByte(below: 0x20, in: lexeme) || lexeme.allSatisfy(isAllowedTextByte) else { return .syntax }
            return hasXMLNoncharacter(lexeme) ? .syntax : nil
        case .xhtml:
            guard !hasByte(below: 0x20, in: lexeme) || lexeme.allSatisfy(isAllowedTextByte) else { return .syntax }
            guard !hasXMLNoncharacter(lexeme) else { return .syntax }
            return XHTMLOutline.isWellFormedDiv(lexeme) ? nil : .syntax
        case .code:
            return checkCode(lexeme)
        case .id:
            return lexeme.count <= 64 && lexeme.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
                ? nil : .syntax
        case .uri, .url, .canonical:
            // No white space (the R4 regex, `\S*`), and no other control character either: XML
            // cannot carry one, so a value JSON could hold would not convert (found by fuzzing:
            // a backspace in Media.content.url).
            return hasByte(below: 0x21, in: lexeme) || hasXMLNoncharacter(lexeme) ? .syntax : nil
        case .oid:
            return scanner.checkOID() ? nil : .syntax
        case .uuid:
            return scanner.checkUUID() ? nil : .syntax
        case .base64Binary:
            return scanner.checkBase64() ? nil : .syntax
        }
    }

    /// What a valid value looks like, for messages (never the value itself).
    public var expectedForm: String {
        switch self {
        case .boolean: "true or false"
        case .integer: "a whole number from -2147483648 to 2147483647"
        case .unsignedInt: "a whole number from 0 to 2147483647"
        case .positiveInt: "a whole number from 1 to 2147483647"
        case .decimal: "a decimal number within ±1e308"
        case .date: "a date: YYYY, YYYY-MM or YYYY-MM-DD"
        case .dateTime: "a dateTime: YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with a time zone"
        case .instant: "an instant: YYYY-MM-DDThh:mm:ss with a time zone"
        case .time: "a time: hh:mm:ss"
        case .string, .markdown: "text without control characters other than tab, CR and LF"
        case .xhtml: "one well-formed XHTML div element (<div xmlns=\"http://www.w3.org/1999/xhtml\">…</div>), nothing around it"
        case .code: "a code: no leading, trailing or repeated whitespace"
        case .id: "an id: 1 to 64 of A-Z, a-z, 0-9, '-' and '.'"
        case .uri, .url, .canonical: "a URI without whitespace or control characters"
        case .oid: "an OID: urn:oid: followed by dotted numbers"
        case .uuid: "a UUID: urn:uuid: followed by lower-case hex 8-4-4-4-12"
        case .base64Binary: "base64 in groups of four characters"
        }
    }

    private func checkCode(_ lexeme: UnsafeRawBufferPointer) -> FormatProblem? {
        // [^\s]+(\s[^\s]+)*: no leading, trailing or doubled whitespace.
        var previousWasSpace = true
        for byte in lexeme {
            if !isAllowedTextByte(byte) { return .syntax }
            let space = isWhitespace(byte)
            if space && previousWasSpace { return .syntax }
            previousWasSpace = space
        }
        return previousWasSpace ? .syntax : nil
    }
}

/// Whether any byte is below `limit` (at most 128), eight bytes at a time: the exact test of
/// Hacker's Delight §6.1 (borrows make only later bytes' flags unreliable, never the verdict).
@inline(__always)
/// U+FFFE or U+FFFF (UTF-8 `EF BF BE`, `EF BF BF`): valid in JSON, not characters XML 1.0 allows,
/// so a FHIR value holding one could not be written as XML. Looks further only past an `EF` byte.
func hasXMLNoncharacter(_ bytes: UnsafeRawBufferPointer) -> Bool {
    var offset = 0
    while let found = bytes[offset...].firstIndex(of: 0xEF) {
        if found + 2 < bytes.count, bytes[found + 1] == 0xBF, bytes[found + 2] == 0xBE || bytes[found + 2] == 0xBF { return true }
        offset = found + 1
    }
    return false
}

func hasByte(below limit: UInt8, in bytes: UnsafeRawBufferPointer) -> Bool {
    var offset = 0
    while offset + 8 <= bytes.count {
        let word = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        if (word &- ByteChunks.broadcast(limit)) & ~word & ByteChunks.broadcast(0x80) != 0 { return true }
        offset += 8
    }
    while offset < bytes.count {
        if bytes[offset] < limit { return true }
        offset += 1
    }
    return false
}

/// XML Schema's `\s`: space, tab, LF, VT, FF, CR.
@inline(__always)
func isWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
}

/// R4 strings "SHOULD not contain Unicode character points below 32, except for u0009, u000D
/// and u000A"; the regex `[ \r\n\t\S]+` also rules out VT and FF.
@inline(__always)
func isAllowedTextByte(_ byte: UInt8) -> Bool {
    byte >= 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
}

@inline(__always)
func isAlphanumeric(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
}
