import Foundation

/// String functions, N1 §5.6 and the FHIRPath 2.0 additions (`trim`, `split`, `join`, `encode`).
extension Evaluator {
    func stringFunction(_ call: FunctionCall, _ target: Items, _ scope: Scope) throws -> Items {
        var name: String { "\(call.function.rawValue)()" }
        if call.function == .join {
            let separator = call.arguments.isEmpty ? "" : (try string(argument(call, 0, scope), name) ?? "")
            let parts = try target.map { item -> String in
                guard let text = item.stringValue else { throw fail("join() expects Strings") }
                return text
            }
            return [.string(parts.joined(separator: separator))]
        }
        guard let item = try single(target, name) else { return [] }
        guard let text = item.stringValue else {
            throw FHIRPathEvaluationError(.semantic, "\(name) expects a String")
        }
        func stringArgument(_ position: Int) throws -> String? { try string(argument(call, position, scope), name) }
        switch call.function {
        case .indexOf:
            guard let part = try stringArgument(0) else { return [] }
            if part.isEmpty { return [.integer(0)] }
            guard let range = text.range(of: part) else { return [.integer(-1)] }
            return [.integer(text.distance(from: text.startIndex, to: range.lowerBound))]
        case .substring:
            guard let start = try integer(argument(call, 0, scope), name) else { return [] }
            let characters = Array(text)
            guard start >= 0, start < characters.count else { return [] }
            var length = characters.count - start
            if call.arguments.count > 1 {
                guard let requested = try integer(argument(call, 1, scope), name) else { return [] }
                length = max(0, min(requested, length))
            }
            return [.string(String(characters[start..<(start + length)]))]
        case .startsWith, .endsWith, .contains:
            return try stringTest(call, text, scope).map { [.boolean($0)] } ?? []
        case .upper: return [.string(text.uppercased())]
        case .lower: return [.string(text.lowercased())]
        case .replace:
            guard let pattern = try stringArgument(0), let replacement = try stringArgument(1) else { return [] }
            if pattern.isEmpty {
                return [.string(replacement + text.map { String($0) + replacement }.joined())]
            }
            return [.string(text.replacingOccurrences(of: pattern, with: replacement))]
        case .matches, .matchesFull:
            guard let regex = try regex(call, scope) else { return [] }
            let range = NSRange(text.startIndex..., in: text)
            return [.boolean(regex.firstMatch(in: text, range: range) != nil)]
        case .replaceMatches:
            if case .literal(.string(""))? = call.arguments.first { return [.string(text)] }
            guard let regex = try regex(call, scope), let replacement = try stringArgument(1) else { return [] }
            let range = NSRange(text.startIndex..., in: text)
            return [.string(regex.stringByReplacingMatches(in: text, range: range, withTemplate: replacement))]
        case .length: return [.integer(text.count)]
        case .toChars: return text.map { .string(String($0)) }
        case .trim: return [.string(text.trimmingCharacters(in: .whitespacesAndNewlines))]
        case .split:
            guard let separator = try stringArgument(0) else { return [] }
            return text.components(separatedBy: separator).map { .string($0) }
        case .encode, .decode:
            guard let format = try stringArgument(0) else { return [] }
            return (call.function == .encode ? encode(text, format) : decode(text, format)).map { [.string($0)] } ?? []
        case .escape, .unescape:
            guard let format = try stringArgument(0) else { return [] }
            return [.string(call.function == .escape ? escape(text, format) : unescape(text, format))]
        default:
            return []
        }
    }

    /// `startsWith`, `endsWith` and `contains` on a collection: `nil` for an empty result.
    func stringTest(_ call: FunctionCall, on target: Operand, scope: Scope) throws -> Bool? {
        guard let item = try single(target, "\(call.function.rawValue)()") else { return nil }
        guard let text = item.stringValue else {
            throw FHIRPathEvaluationError(.semantic, "\(call.function.rawValue)() expects a String")
        }
        return try stringTest(call, text, scope)
    }

    /// `startsWith`, `endsWith` and `contains` on one string; a literal argument is read without
    /// evaluating it, and ASCII operands are compared as bytes (the answers are the same).
    private func stringTest(_ call: FunctionCall, _ text: String, _ scope: Scope) throws -> Bool? {
        let part: String
        if case .literal(.string(let literal)) = call.arguments[0] {
            part = literal
        } else {
            guard let evaluated = try string(argument(call, 0, scope), "\(call.function.rawValue)()") else { return nil }
            part = evaluated
        }
        if let answer = Self.asciiStringTest(call.function, text, part) { return answer }
        switch call.function {
        case .startsWith: return text.hasPrefix(part)
        case .endsWith: return text.hasSuffix(part)
        default: return part.isEmpty || text.contains(part)
        }
    }

    /// The byte-wise answer when both strings are ASCII and the part has no CR or LF (the one
    /// ASCII pair that makes a single Character, `\r\n`); `nil` otherwise.
    private static func asciiStringTest(_ function: FHIRPathFunction, _ text: String, _ part: String) -> Bool? {
        var text = text
        var part = part
        return text.withUTF8 { t -> Bool? in
            part.withUTF8 { p -> Bool? in
                for byte in p where byte >= 0x80 || byte == 0x0A || byte == 0x0D { return nil }
                for byte in t where byte >= 0x80 { return nil }
                let n = p.count, m = t.count
                if n == 0 { return true }
                if n > m { return false }
                switch function {
                case .startsWith:
                    return memcmp(t.baseAddress!, p.baseAddress!, n) == 0
                case .endsWith:
                    return memcmp(t.baseAddress! + (m - n), p.baseAddress!, n) == 0
                default:
                    let first = p[0]
                    var index = 0
                    while index <= m - n {
                        if t[index] == first && memcmp(t.baseAddress! + index, p.baseAddress!, n) == 0 { return true }
                        index += 1
                    }
                    return false
                }
            }
        }
    }

    private func regex(_ call: FunctionCall, _ scope: Scope) throws -> NSRegularExpression? {
        if let compiled = call.regex { return compiled.regex }
        guard let pattern = try string(argument(call, 0, scope), call.function.rawValue) else { return nil }
        if pattern.isEmpty { return nil }
        let full = call.function == .matchesFull ? "^(?:\(pattern))$" : pattern
        guard let compiled = CompiledRegex.compile(full) else { throw fail("invalid regular expression") }
        return compiled.regex
    }

    private func encode(_ text: String, _ format: String) -> String? {
        let data = Data(text.utf8)
        switch format {
        case "hex": return data.map { String(format: "%02x", $0) }.joined()
        case "base64": return data.base64EncodedString()
        case "urlbase64":
            return data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_")
        default: return nil
        }
    }

    private func decode(_ text: String, _ format: String) -> String? {
        switch format {
        case "hex":
            var bytes: [UInt8] = []
            var index = text.startIndex
            while index < text.endIndex {
                let next = text.index(index, offsetBy: 2, limitedBy: text.endIndex) ?? text.endIndex
                guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
                bytes.append(byte)
                index = next
            }
            return String(bytes: bytes, encoding: .utf8)
        case "base64", "urlbase64":
            let standard = format == "base64" ? text
                : text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            return Data(base64Encoded: standard).flatMap { String(data: $0, encoding: .utf8) }
        default: return nil
        }
    }

    private static let htmlEscapes: [(String, String)] = [
        ("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\"", "&quot;"), ("'", "&#39;"),
    ]

    private func escape(_ text: String, _ format: String) -> String {
        switch format {
        case "html": return Self.htmlEscapes.reduce(text) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
        case "json": return text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        default: return text
        }
    }

    private func unescape(_ text: String, _ format: String) -> String {
        switch format {
        case "html": return Self.htmlEscapes.reversed().reduce(text) { $0.replacingOccurrences(of: $1.1, with: $1.0) }
        case "json": return text.replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
        default: return text
        }
    }
}
