/// The escapes of search values (search.html §3.1.1.4.11): `\,`, `\$`, `\|` and `\\` stand for
/// the character itself wherever a comma, a dollar or a bar would separate parts.
enum SearchValueText {
    /// Splits at every unescaped `separator`, keeping the escapes for a later split.
    static func split(_ text: String, on separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var escaped = false
        for character in text {
            if escaped {
                current.append("\\")
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == separator {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        if escaped { current.append("\\") }
        parts.append(current)
        return parts
    }

    /// Splits at the first unescaped `separator` only.
    static func splitOnce(_ text: String, on separator: Character) -> (String, String?) {
        let parts = split(text, on: separator)
        guard parts.count > 1 else { return (parts[0], nil) }
        return (parts[0], parts.dropFirst().joined(separator: String(separator)))
    }

    /// The value with its escapes removed.
    static func unescaped(_ text: String) -> String {
        var result = ""
        var escaped = false
        for character in text {
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        if escaped { result.append("\\") }
        return result
    }
}
