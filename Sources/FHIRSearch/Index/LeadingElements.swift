import FHIRCore

/// The elements of a resource a parameter's expression starts from, when it is a plain path
/// (`Observation.code`, `(Observation.value as Quantity) | Observation.component.code`): a
/// resource that has none of them gives the expression nothing, so the indexer skips it without
/// running FHIRPath. Most parameters of a type find nothing in a given resource.
///
/// Only chains that give nothing for nothing qualify: member steps, ` as T`, and calls of
/// `where`, `as`, `ofType`, `extension`, `resolve`, `first`, `last`, `select`, `distinct`.
/// Anything else (`exists()`, `and`, `=`, …: `Patient.deceased.exists() and …` is `false` for a
/// Patient without `deceased`) makes the parameter always evaluated.
struct LeadingElements: Sendable {
    struct Element: Sendable {
        let name: String
        /// `value` of `value[x]`: present as `valueQuantity`, `valueString`, …
        let isChoice: Bool
    }

    let elements: [Element]

    private static let emptyPreserving: Set<String> = [
        "where", "as", "ofType", "extension", "resolve", "first", "last", "select", "distinct",
    ]

    /// Nil when the expression is not a union of plain paths from the resource.
    init?(_ expression: String, resourceType: String, types: TypeCatalogue) {
        let bytes = Array(expression.utf8)
        var names: [String] = []
        var position = 0
        while true {
            guard let name = Self.branch(bytes, &position) else { return nil }
            if !names.contains(name) { names.append(name) }
            if position == bytes.count { break }
            position += 1  // the `|` that ended the branch
        }
        let context = types.resourceContextID(forName: resourceType).map { types.contexts[$0] }
        elements = names.map { Element(name: $0, isChoice: context?.member(named: $0)?.isChoice ?? true) }
    }

    /// Whether a resource has one of the elements.
    func present(in children: [FHIRElement]) -> Bool {
        for element in elements {
            for child in children {
                if element.isChoice ? child.name.hasPrefix(element.name) : child.name == element.name { return true }
            }
        }
        return false
    }

    /// The branches of a top-level `|` union: a `|` inside parentheses, brackets or quotes does not split.
    static func unionBranches(_ expression: String) -> [String] {
        let bytes = Array(expression.utf8)
        var pieces: [String] = []
        var start = 0
        var depth = 0
        var quote: UInt8?
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == UInt8(ascii: "\\") { index += 1 } else if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "`") {
                quote = byte
            } else if byte == UInt8(ascii: "(") || byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: ")") || byte == UInt8(ascii: "]") {
                depth -= 1
            } else if byte == UInt8(ascii: "|"), depth == 0 {
                pieces.append(String(decoding: bytes[start..<index], as: UTF8.self))
                start = index + 1
            }
            index += 1
        }
        pieces.append(String(decoding: bytes[start...], as: UTF8.self))
        return pieces.map { piece in
            String(piece.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
        }
    }

    /// Reads one union branch up to a top-level `|` or the end; its first element's name.
    private static func branch(_ bytes: [UInt8], _ position: inout Int) -> String? {
        var open = 0
        skipSpaces(bytes, &position)
        while position < bytes.count, bytes[position] == UInt8(ascii: "(") {
            open += 1
            position += 1
            skipSpaces(bytes, &position)
        }
        guard let type = identifier(bytes, &position), let first = type.utf8.first, first >= 0x41, first <= 0x5A,
              position < bytes.count, bytes[position] == UInt8(ascii: ".")
        else { return nil }
        position += 1
        guard let name = identifier(bytes, &position) else { return nil }
        while true {
            skipSpaces(bytes, &position)
            guard position < bytes.count else { return open == 0 ? name : nil }
            switch bytes[position] {
            case UInt8(ascii: "|"):
                return open == 0 ? name : nil
            case UInt8(ascii: ")"):
                guard open > 0 else { return nil }
                open -= 1
                position += 1
            case UInt8(ascii: "."):
                position += 1
                guard let step = identifier(bytes, &position) else { return nil }
                if position < bytes.count, bytes[position] == UInt8(ascii: "(") {
                    guard emptyPreserving.contains(step), skipArguments(bytes, &position) else { return nil }
                }
            case UInt8(ascii: "a"):
                guard identifier(bytes, &position) == "as" else { return nil }
                skipSpaces(bytes, &position)
                guard identifier(bytes, &position) != nil else { return nil }
            default:
                return nil
            }
        }
    }

    private static func identifier(_ bytes: [UInt8], _ position: inout Int) -> String? {
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            let isLetter = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "_")
            guard isLetter || (position > start && byte >= 0x30 && byte <= 0x39) else { break }
            position += 1
        }
        return position > start ? String(decoding: bytes[start..<position], as: UTF8.self) : nil
    }

    private static func skipSpaces(_ bytes: [UInt8], _ position: inout Int) {
        while position < bytes.count, bytes[position] == UInt8(ascii: " ") { position += 1 }
    }

    /// Skips a balanced `( … )` with its quoted strings; false when it does not close.
    private static func skipArguments(_ bytes: [UInt8], _ position: inout Int) -> Bool {
        var depth = 0
        var quote: UInt8?
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if let open = quote {
                if byte == UInt8(ascii: "\\") { position += 1 } else if byte == open { quote = nil }
                continue
            }
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "`"): quote = byte
            case UInt8(ascii: "("): depth += 1
            case UInt8(ascii: ")"):
                depth -= 1
                if depth == 0 { return true }
            default: break
            }
        }
        return false
    }
}
