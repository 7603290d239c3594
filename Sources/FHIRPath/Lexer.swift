/// Splits an expression into tokens, skipping whitespace and `//` and `/* */` comments.
struct Lexer {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    static func tokens(of bytes: [UInt8]) throws(FHIRPathSyntaxError) -> [Token] {
        var lexer = Lexer(bytes)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private func error(_ message: String, at offset: Int) -> FHIRPathSyntaxError {
        FHIRPathSyntaxError(message, offset: offset, in: bytes)
    }

    private func peek(_ ahead: Int = 0) -> UInt8 {
        position + ahead < bytes.count ? bytes[position + ahead] : 0
    }

    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func isIdentifierPart(_ byte: UInt8) -> Bool { isIdentifierStart(byte) || isDigit(byte) }

    private mutating func skipTrivia() throws(FHIRPathSyntaxError) {
        while position < bytes.count {
            let byte = bytes[position]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
                position += 1
            } else if byte == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "/") {
                while position < bytes.count && bytes[position] != 0x0A { position += 1 }
            } else if byte == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "*") {
                let start = position
                position += 2
                while !(peek() == UInt8(ascii: "*") && peek(1) == UInt8(ascii: "/")) {
                    if position >= bytes.count { throw error("unterminated comment", at: start) }
                    position += 1
                }
                position += 2
            } else {
                return
            }
        }
    }

    mutating func next() throws(FHIRPathSyntaxError) -> Token {
        try skipTrivia()
        let start = position
        guard position < bytes.count else { return Token(kind: .end, offset: start) }
        let byte = bytes[position]
        if Self.isIdentifierStart(byte) {
            while Self.isIdentifierPart(peek()) { position += 1 }
            return Token(kind: .identifier(text(start, position)), offset: start)
        }
        if Self.isDigit(byte) {
            while Self.isDigit(peek()) { position += 1 }
            if peek() == UInt8(ascii: ".") && Self.isDigit(peek(1)) {
                position += 1
                while Self.isDigit(peek()) { position += 1 }
            }
            return Token(kind: .number(text(start, position)), offset: start)
        }
        switch byte {
        case UInt8(ascii: "'"):
            return Token(kind: .string(try quoted(closing: byte)), offset: start)
        case UInt8(ascii: "`"):
            return Token(kind: .delimitedIdentifier(try quoted(closing: byte)), offset: start)
        case UInt8(ascii: "@"):
            position += 1
            return Token(kind: .dateTime(try temporalLiteral(start: start)), offset: start)
        case UInt8(ascii: "%"):
            position += 1
            let next = peek()
            if next == UInt8(ascii: "`") || next == UInt8(ascii: "'") {
                return Token(kind: .externalConstant(try quoted(closing: next)), offset: start)
            }
            guard Self.isIdentifierStart(next) else { throw error("expected a name after '%'", at: start) }
            let nameStart = position
            while Self.isIdentifierPart(peek()) { position += 1 }
            return Token(kind: .externalConstant(text(nameStart, position)), offset: start)
        case UInt8(ascii: "$"):
            position += 1
            let nameStart = position
            while Self.isIdentifierPart(peek()) { position += 1 }
            let name = text(nameStart, position)
            guard ["this", "index", "total"].contains(name) else {
                throw error("unknown special variable", at: start)
            }
            return Token(kind: .special(name), offset: start)
        default:
            return Token(kind: .symbol(try symbol(start: start)), offset: start)
        }
    }

    private mutating func symbol(start: Int) throws(FHIRPathSyntaxError) -> String {
        let byte = bytes[position]
        let pair: String? = switch (byte, peek(1)) {
        case (UInt8(ascii: "<"), UInt8(ascii: "=")): "<="
        case (UInt8(ascii: ">"), UInt8(ascii: "=")): ">="
        case (UInt8(ascii: "!"), UInt8(ascii: "=")): "!="
        case (UInt8(ascii: "!"), UInt8(ascii: "~")): "!~"
        default: nil
        }
        if let pair {
            position += 2
            return pair
        }
        let singles: Set<UInt8> = Set(".()[]{},+-*/&|=~<>".utf8)
        guard singles.contains(byte) else { throw error("unexpected character", at: start) }
        position += 1
        return String(UnicodeScalar(byte))
    }

    private func text(_ from: Int, _ to: Int) -> String {
        String(decoding: bytes[from..<to], as: UTF8.self)
    }

    /// A `'…'` string or `` `…` `` identifier with FHIRPath escapes (N1 §"String").
    private mutating func quoted(closing: UInt8) throws(FHIRPathSyntaxError) -> String {
        let start = position
        position += 1
        var out: [UInt8] = []
        while true {
            guard position < bytes.count else {
                throw error(closing == UInt8(ascii: "`") ? "unterminated identifier" : "unterminated string", at: start)
            }
            let byte = bytes[position]
            position += 1
            if byte == closing { break }
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                continue
            }
            guard position < bytes.count else { throw error("unterminated escape", at: position - 1) }
            let escaped = bytes[position]
            position += 1
            switch escaped {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard position + 4 <= bytes.count,
                      let code = UInt32(text(position, position + 4), radix: 16),
                      let scalar = Unicode.Scalar(code)
                else { throw error("malformed unicode escape", at: position - 2) }
                position += 4
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            default: out.append(escaped)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The text of a date, dateTime or time literal after `@`; its shape is checked by
    /// `FHIRPathDateTime(literal:)` in the parser.
    private mutating func temporalLiteral(start: Int) throws(FHIRPathSyntaxError) -> String {
        let bodyStart = position
        func digits(_ count: Int) -> Bool {
            for index in 0..<count where !Self.isDigit(peek(index)) { return false }
            position += count
            return true
        }
        func time() {
            guard digits(2) else { return }
            guard peek() == UInt8(ascii: ":"), Self.isDigit(peek(1)) else { return }
            position += 1
            guard digits(2) else { return }
            guard peek() == UInt8(ascii: ":"), Self.isDigit(peek(1)) else { return }
            position += 1
            guard digits(2) else { return }
            if peek() == UInt8(ascii: "."), Self.isDigit(peek(1)) {
                position += 1
                while Self.isDigit(peek()) { position += 1 }
            }
        }
        if peek() == UInt8(ascii: "T") {
            position += 1
            time()
            return text(bodyStart, position)
        }
        guard digits(4) else { throw error("malformed date literal", at: start) }
        if peek() == UInt8(ascii: "-"), Self.isDigit(peek(1)) {
            position += 1
            guard digits(2) else { throw error("malformed date literal", at: start) }
            if peek() == UInt8(ascii: "-"), Self.isDigit(peek(1)) {
                position += 1
                guard digits(2) else { throw error("malformed date literal", at: start) }
            }
        }
        if peek() == UInt8(ascii: "T") {
            position += 1
            let timeStart = position
            time()
            if position > timeStart {
                if peek() == UInt8(ascii: "Z") {
                    position += 1
                } else if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-"),
                          Self.isDigit(peek(1)), Self.isDigit(peek(2)), peek(3) == UInt8(ascii: ":") {
                    position += 6
                }
            }
        }
        return text(bodyStart, position)
    }
}
