/// A canonical form of narrative XHTML for comparing the JSON and XML twins of the official
/// examples, whose build wrote the same narrative with different insignificant whitespace,
/// attribute order, entity forms and empty-element forms. Tests only: the codecs keep the
/// narrative byte for byte.
public enum XHTMLCanonical {
    public static func form(_ xhtml: String) -> String {
        var tokens: [String] = []
        var text = ""
        var index = xhtml.startIndex
        func flushText() {
            let collapsed = decodeEntities(text).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == "\r\n" })
                .joined(separator: " ")
            if !collapsed.isEmpty { tokens.append(collapsed) }
            text = ""
        }
        while index < xhtml.endIndex {
            if xhtml[index] == "<", let close = xhtml[index...].firstIndex(of: ">") {
                flushText()
                tokens.append(canonicalTag(String(xhtml[index...close])))
                index = xhtml.index(after: close)
            } else {
                text.append(xhtml[index])
                index = xhtml.index(after: index)
            }
        }
        flushText()
        // `<td></td>` and `<td/>` are the same element.
        var merged: [String] = []
        for token in tokens {
            if token.hasPrefix("</"), let last = merged.last, last.hasPrefix("<"), !last.hasPrefix("</"), !last.hasSuffix("/>"),
               last.dropFirst().prefix(while: { $0 != " " && $0 != ">" }) == token.dropFirst(2).dropLast() {
                merged[merged.count - 1] = String(last.dropLast()) + "/>"
            } else {
                merged.append(token)
            }
        }
        return merged.joined()
    }

    private static func canonicalTag(_ tag: String) -> String {
        if tag.hasPrefix("</") { return "</" + tag.dropFirst(2).dropLast().trimmingSpaces() + ">" }
        var body = Substring(tag.dropFirst().dropLast())
        let selfClosing = body.hasSuffix("/")
        if selfClosing { body = body.dropLast() }
        let name = body.prefix(while: { !$0.isWhitespace })
        var attributes: [String] = []
        var rest = body.dropFirst(name.count)
        while let equals = rest.firstIndex(of: "=") {
            let attributeName = rest[..<equals].trimmingSpaces()
            var valuePart = rest[rest.index(after: equals)...].drop(while: { $0.isWhitespace })
            guard let quote = valuePart.first, quote == "\"" || quote == "'" else { break }
            valuePart = valuePart.dropFirst()
            guard let end = valuePart.firstIndex(of: quote) else { break }
            attributes.append("\(attributeName)=\"\(decodeEntities(String(valuePart[..<end])))\"")
            rest = valuePart[valuePart.index(after: end)...]
        }
        let attributeText = attributes.sorted().map { " " + $0 }.joined()
        return "<" + name + attributeText + (selfClosing ? "/>" : ">")
    }

    private static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var rest = Substring(text)
        while let ampersand = rest.firstIndex(of: "&") {
            result += rest[..<ampersand]
            guard let semicolon = rest[ampersand...].firstIndex(of: ";") else { break }
            let entity = rest[rest.index(after: ampersand)..<semicolon]
            switch entity {
            case "lt": result += "<"
            case "gt": result += ">"
            case "amp": result += "&"
            case "quot": result += "\""
            case "apos": result += "'"
            default:
                let scalar: UInt32? = entity.hasPrefix("#x") || entity.hasPrefix("#X")
                    ? UInt32(entity.dropFirst(2), radix: 16) : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                if let scalar, let character = Unicode.Scalar(scalar) {
                    result.unicodeScalars.append(character)
                } else {
                    result += rest[ampersand...semicolon]
                }
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return result + rest
    }
}

extension StringProtocol {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }
}
