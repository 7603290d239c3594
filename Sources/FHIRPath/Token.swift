/// One lexical token of a FHIRPath expression (N1 grammar, lexer rules).
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A plain identifier or keyword (`name`, `and`, `true`, `div`); the parser decides.
        case identifier(String)
        /// A backtick-delimited identifier: never a keyword.
        case delimitedIdentifier(String)
        case string(String)
        /// The lexeme of an integer or decimal number.
        case number(String)
        /// The text after `@`: `2015-02-04T14:34`, `T14:34`.
        case dateTime(String)
        /// `%name`, `%\`vs-x\``, `%'x'`.
        case externalConstant(String)
        /// `$this`, `$index`, `$total`.
        case special(String)
        /// Punctuation and operators: `.`, `(`, `<=`, `!~` …
        case symbol(String)
        case end
    }

    let kind: Kind
    /// UTF-8 offset where the token starts.
    let offset: Int

    func isSymbol(_ text: String) -> Bool {
        if case .symbol(let symbol) = kind { return symbol == text }
        return false
    }

    /// A plain identifier with this spelling (keywords are plain identifiers).
    func isKeyword(_ text: String) -> Bool {
        if case .identifier(let name) = kind { return name == text }
        return false
    }
}
