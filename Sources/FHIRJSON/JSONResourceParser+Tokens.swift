import FHIRCore

/// A string token: its bytes are `input[start..<end]`, or `unescaped` when it had escapes.
struct StringToken {
    var start: Int
    var end: Int
    var escaped: Bool
}

extension JSONResourceParser {
    /// FHIR data must also be writable as XML, whose character set (XML 1.0 §2.2) has no U+FFFE
    /// or U+FFFF.
    static let nonCharacterMessage = "a string holds U+FFFE or U+FFFF, which FHIR (as XML) cannot carry"

    func makeString(_ token: StringToken) -> String {
        if token.escaped { return String(decoding: unescaped, as: UTF8.self) }
        return String(decoding: UnsafeRawBufferPointer(rebasing: input[token.start..<token.end]), as: UTF8.self)
    }

    /// Reads a string at `"`: validates UTF-8 (no overlongs, no surrogates), refuses raw
    /// control characters and lone `\u` surrogates, and enforces the length limit.
    mutating func readString() throws(ParseStop) -> StringToken {
        let open = position
        position += 1
        let start = position
        while position < input.count {
            // Plain text: step over eight bytes at a time, then straight to the byte that stopped it.
            while position + 8 <= input.count {
                let attention = ByteChunks.attentionInString(ByteChunks.load(input, at: position))
                if attention != 0 {
                    position += ByteChunks.firstFlaggedByte(attention)
                    break
                }
                position += 8
            }
            guard position < input.count else { break }
            let byte = input[position]
            if byte == UInt8(ascii: "\"") {
                let token = StringToken(start: start, end: position, escaped: false)
                position += 1
                try checkStringLength(token.end - token.start, at: open)
                return token
            }
            if byte == UInt8(ascii: "\\") { return try readEscapedString(open: open, start: start) }
            if byte < 0x20 { try fail(.structure, "a control character must be escaped inside a string", at: position) }
            if byte >= 0x80 { try skipUTF8Sequence() } else { position += 1 }
        }
        try fail(.structure, "the document ends inside a string", at: open)
    }

    private mutating func checkStringLength(_ count: Int, at offset: Int) throws(ParseStop) {
        if count > limits.maxStringBytes {
            try fail(.tooLong, "a string is longer than the limit of \(limits.maxStringBytes) bytes", at: offset)
        }
    }

    /// The slow path: copies into `unescaped`, decoding escapes as it goes.
    private mutating func readEscapedString(open: Int, start: Int) throws(ParseStop) -> StringToken {
        unescaped.removeAll(keepingCapacity: true)
        unescaped.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[start..<position]))
        while position < input.count {
            let byte = input[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                try checkStringLength(unescaped.count, at: open)
                return StringToken(start: start, end: position - 1, escaped: true)
            case UInt8(ascii: "\\"):
                try readEscape()
            case 0..<0x20:
                try fail(.structure, "a control character must be escaped inside a string", at: position)
            case 0x80...:
                let sequenceStart = position
                try skipUTF8Sequence()
                unescaped.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[sequenceStart..<position]))
            default:
                unescaped.append(byte)
                position += 1
            }
            if unescaped.count > limits.maxStringBytes {
                try fail(.tooLong, "a string is longer than the limit of \(limits.maxStringBytes) bytes", at: open)
            }
        }
        try fail(.structure, "the document ends inside a string", at: open)
    }

    private mutating func readEscape() throws(ParseStop) {
        let escapeStart = position
        position += 1
        guard position < input.count else { try fail(.structure, "the document ends inside a string", at: escapeStart) }
        let byte = input[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""): unescaped.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): unescaped.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "/"): unescaped.append(UInt8(ascii: "/"))
        case UInt8(ascii: "b"): unescaped.append(0x08)
        case UInt8(ascii: "f"): unescaped.append(0x0C)
        case UInt8(ascii: "n"): unescaped.append(0x0A)
        case UInt8(ascii: "r"): unescaped.append(0x0D)
        case UInt8(ascii: "t"): unescaped.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try readHex4(escapeStart)
            if (0xD800...0xDBFF).contains(scalar) {
                // A high surrogate must be followed by an escaped low surrogate.
                guard position + 1 < input.count, input[position] == UInt8(ascii: "\\"), input[position + 1] == UInt8(ascii: "u")
                else { try fail(.structure, "a \\u escape is a lone surrogate", at: escapeStart) }
                position += 2
                let low = try readHex4(escapeStart)
                guard (0xDC00...0xDFFF).contains(low) else {
                    try fail(.structure, "a \\u escape is a lone surrogate", at: escapeStart)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                try fail(.structure, "a \\u escape is a lone surrogate", at: escapeStart)
            }
            if scalar == 0xFFFE || scalar == 0xFFFF { try fail(.structure, Self.nonCharacterMessage, at: escapeStart) }
            appendUTF8(scalar)
        default:
            try fail(.structure, "an invalid escape sequence in a string", at: escapeStart)
        }
    }

    private mutating func readHex4(_ escapeStart: Int) throws(ParseStop) -> UInt32 {
        guard position + 4 <= input.count else { try fail(.structure, "a \\u escape needs four hex digits", at: escapeStart) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = input[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: try fail(.structure, "a \\u escape needs four hex digits", at: escapeStart)
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            unescaped.append(UInt8(scalar))
        case 0x80..<0x800:
            unescaped.append(UInt8(0xC0 | scalar >> 6))
            unescaped.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            unescaped.append(UInt8(0xE0 | scalar >> 12))
            unescaped.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            unescaped.append(UInt8(0x80 | scalar & 0x3F))
        default:
            unescaped.append(UInt8(0xF0 | scalar >> 18))
            unescaped.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            unescaped.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            unescaped.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// One multi-byte UTF-8 sequence at `position` (RFC 3629: shortest form, no surrogates,
    /// at most U+10FFFF).
    private mutating func skipUTF8Sequence() throws(ParseStop) {
        let lead = input[position]
        let length: Int
        var minimum: UInt32
        var scalar: UInt32
        switch lead {
        case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(lead & 0x0F)
        case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(lead & 0x07)
        default: try fail(.structure, "the text is not valid UTF-8", at: position)
        }
        guard position + length <= input.count else { try fail(.structure, "the text is not valid UTF-8", at: position) }
        for offset in 1..<length {
            let byte = input[position + offset]
            guard byte & 0xC0 == 0x80 else { try fail(.structure, "the text is not valid UTF-8", at: position) }
            scalar = scalar << 6 | UInt32(byte & 0x3F)
        }
        if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) {
            try fail(.structure, "the text is not valid UTF-8", at: position)
        }
        if scalar == 0xFFFE || scalar == 0xFFFF {
            try fail(.structure, Self.nonCharacterMessage, at: position)
        }
        position += length
    }

    /// Reads a number at `-` or a digit, by JSON's grammar: no leading zeros, no `+`, no bare
    /// `.`; `NaN` and `Infinity` never get here. Returns its byte range, kept as written.
    mutating func readNumber() throws(ParseStop) -> Range<Int> {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        let integerStart = position
        try requireDigits(start)
        if input[integerStart] == UInt8(ascii: "0") && position - integerStart > 1 {
            try fail(.structure, "a number must not have leading zeros", at: start)
        }
        if current == UInt8(ascii: ".") {
            position += 1
            try requireDigits(start)
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            try requireDigits(start)
        }
        if position - start > limits.maxNumberLength {
            try fail(.tooLong, "a number is longer than the limit of \(limits.maxNumberLength) characters", at: start)
        }
        try requireDelimiter(after: start, "a number")
        return start..<position
    }

    private mutating func requireDigits(_ start: Int) throws(ParseStop) {
        let first = position
        while position < input.count, input[position] >= 0x30, input[position] <= 0x39 {
            position += 1
            if position - start > limits.maxNumberLength {
                try fail(.tooLong, "a number is longer than the limit of \(limits.maxNumberLength) characters", at: start)
            }
        }
        if position == first { try fail(.structure, "a number is not written as JSON allows", at: start) }
    }

    /// After a number or literal: whitespace, `,`, `]`, `}` or the end.
    private mutating func requireDelimiter(after start: Int, _ what: String) throws(ParseStop) {
        guard position < input.count else { return }
        switch input[position] {
        case 0x20, 0x0A, 0x0D, 0x09, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"): return
        default:
            try fail(.structure, "\(what) is not written as JSON allows", at: start)
        }
    }

    /// `true`, `false` or `null` at the cursor; anything else is a syntax error.
    mutating func readLiteral() throws(ParseStop) -> JSONLiteral {
        let start = position
        for (literal, text) in [(JSONLiteral.true, "true"), (.false, "false"), (.null, "null")] {
            let count = text.utf8.count
            if input.count - position >= count,
               UnsafeRawBufferPointer(rebasing: input[position..<position + count]).elementsEqual(text.utf8)
            {
                position += count
                try requireDelimiter(after: start, "a value")
                return literal
            }
        }
        if isNameByte(current) {
            // A bare word: most likely a string without its quotes. Report it and read on.
            while position < input.count && isNameByte(input[position]) { position += 1 }
            try error(.structure, "a value has no quotes around it (NaN and Infinity are not JSON either)", at: start)
            return .bareword
        }
        try fail(.structure, "expected a JSON value", at: start)
    }

    @inline(__always)
    func isNameByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$")
    }

    @inline(__always)
    func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    /// A property name at the cursor: a JSON string, or a bare name reported and read on.
    mutating func readKey() throws(ParseStop) -> StringToken {
        if current == UInt8(ascii: "\"") { return try readString() }
        let start = position
        guard isNameByte(current) else { try fail(.structure, "expected a property name in double quotes", at: position) }
        while position < input.count && isNameByte(input[position]) { position += 1 }
        try error(.structure, "a property name has no quotes around it", at: start)
        return StringToken(start: start, end: position, escaped: false)
    }

    /// Whether the cursor is at the start of a value, for telling a missing comma apart from
    /// other syntax errors.
    var atValueStart: Bool {
        let byte = current
        return byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[")
            || byte == UInt8(ascii: "-") || isNameByte(byte)
    }

    /// Skips one JSON value of any shape, checking its syntax and depth, without recursion.
    mutating func skipValue() throws(ParseStop) {
        var openObjects: [Bool] = []  // innermost last: true for an object, false for an array
        while true {
            skipWhitespace()
            guard position < input.count else { try fail(.structure, "the document ends inside a value", at: position) }
            let byte = input[position]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let isObject = byte == UInt8(ascii: "{")
                try enterContainer()
                position += 1
                skipWhitespace()
                if current == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    position += 1
                    depth -= 1
                } else {
                    openObjects.append(isObject)
                    if isObject { try skipKey() }
                    continue
                }
            case UInt8(ascii: "\""): _ = try readString()
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try readNumber()
            default: _ = try readLiteral()
            }
            // After a value: close containers until one goes on with ','.
            while let isObject = openObjects.last {
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    position += 1
                    if isObject { try skipKey() }
                    break
                }
                guard current == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else {
                    try fail(.structure, "expected ',' or the end of an object or array", at: position)
                }
                position += 1
                depth -= 1
                openObjects.removeLast()
            }
            if openObjects.isEmpty { return }
        }
    }

    private mutating func skipKey() throws(ParseStop) {
        skipWhitespace()
        guard current == UInt8(ascii: "\"") else { try fail(.structure, "expected a property name in double quotes", at: position) }
        _ = try readString()
        try expect(UInt8(ascii: ":"), "':' after a property name")
    }
}

enum JSONLiteral {
    case `true`, `false`, null
    /// An unquoted word, already reported.
    case bareword
}
